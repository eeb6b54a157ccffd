/**
 * Placeholder until the benchmark issue lands: the loopback benchmark against direct SDK calls
 * and peers is specified there. This script says so and exits successfully so that
 * `npm run bench -- --quick` can already be wired into CI.
 */
console.log('switchyard bench: not implemented yet (see the benchmark issue); nothing was measured.');
