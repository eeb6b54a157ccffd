/**
 * The dashboard: one self-contained page (inline CSS and JS, no external URL, no build step). It
 * polls `api/overview` relative to its own URL and posts controls with the CSRF header.
 */
export function dashboardHtml(o: { refreshMs: number; csrfHeader: string }): string {
  return PAGE.replace('__REFRESH_MS__', String(Math.max(250, Math.floor(o.refreshMs)))).replace(
    '__CSRF_HEADER__',
    JSON.stringify(o.csrfHeader),
  );
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>switchyard · Operations 运维</title>
<style>
:root{--bg:#f4f6fa;--card:#fff;--ink:#17202e;--muted:#667085;--line:#e4e8ef;
  --ok:#12a150;--warn:#e8a317;--bad:#d92d20;--info:#2e6be6;--violet:#7a5af8;
  --shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08)}
*{box-sizing:border-box}
body{margin:0;font:13px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
  background:var(--bg);color:var(--ink)}
header{display:flex;align-items:center;gap:14px;padding:10px 20px;background:#111827;color:#f9fafb;position:sticky;top:0;z-index:5}
header .logo{font-weight:700;font-size:15px;letter-spacing:.2px}
header .logo span{color:#93c5fd}
header .sub{color:#9ca3af}
header .grow{flex:1}
header select,header button{background:#1f2937;color:#f9fafb;border:1px solid #374151;border-radius:6px;padding:4px 8px;font:inherit}
.chip{display:inline-flex;align-items:center;gap:6px;padding:2px 9px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
.chip.role{background:#1e3a8a;color:#dbeafe}
.live{width:8px;height:8px;border-radius:50%;background:var(--ok);display:inline-block;box-shadow:0 0 0 3px rgba(18,161,80,.25)}
.live.stale{background:var(--bad);box-shadow:0 0 0 3px rgba(217,45,32,.25)}
main{padding:16px 20px 28px;display:grid;gap:14px;grid-template-columns:repeat(12,1fr);max-width:1600px;margin:0 auto}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;box-shadow:var(--shadow);padding:12px 14px;min-width:0}
.card h2{margin:0 0 10px;font-size:13px;font-weight:650;display:flex;align-items:center;gap:4px 8px;flex-wrap:wrap}
.card h2 small{color:var(--muted);font-weight:500}
.span3{grid-column:span 3}
.span4{grid-column:span 4}
.span5{grid-column:span 5}
.span6{grid-column:span 6}
.span7{grid-column:span 7}
.span8{grid-column:span 8}
.span12{grid-column:span 12}
.kpi .label{color:var(--muted);font-size:12px}
.kpi .value{font-size:24px;font-weight:700;margin-top:2px;font-variant-numeric:tabular-nums}
.kpi .note{color:var(--muted);font-size:12px}
.providers{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:10px}
.prov{border:1px solid var(--line);border-radius:9px;padding:10px;border-top:4px solid var(--ok);background:#fcfcfd;overflow:hidden}
.prov table{font-size:12px}
.prov.degraded{border-top-color:var(--warn)}.prov.open,.prov.disabled{border-top-color:var(--bad)}
.prov.disabled{background:#fff5f4}
.prov .top{display:flex;align-items:center;gap:6px;margin-bottom:6px}
.prov .name{font-weight:700;font-size:14px}
.prov .kind{color:var(--muted);font-size:11px;border:1px solid var(--line);border-radius:4px;padding:0 5px}
.pill{margin-left:auto}
.pill.closed{background:#dcfae6;color:#067647}.pill.degraded{background:#fef0c7;color:#93370d}.pill.open,.pill.disabled{background:#fee4e2;color:#b42318}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th{color:var(--muted);font-weight:600;text-align:left;font-size:11px;padding:3px 4px;border-bottom:1px solid var(--line)}
td{padding:4px;border-bottom:1px solid #f0f2f5;vertical-align:middle;white-space:nowrap}
th{white-space:nowrap}
td.model{white-space:normal;word-break:break-word}
td.num,th.num{text-align:right}
.dot{width:8px;height:8px;border-radius:50%;display:inline-block;margin-right:5px;vertical-align:middle}
.dot.closed{background:var(--ok)}.dot.half-open{background:var(--warn)}.dot.open{background:var(--bad)}
.actions{display:flex;gap:6px;margin-top:8px;flex-wrap:wrap}
button.btn{border:1px solid var(--line);background:#fff;border-radius:6px;padding:4px 9px;font:inherit;font-size:12px;cursor:pointer;color:var(--ink)}
button.btn:hover{background:#f2f4f7}
button.btn.danger{border-color:#fda29b;color:#b42318}
button.btn.danger:hover{background:#fef3f2}
button.btn.go{border-color:#75e0a7;color:#067647}
button.btn.tiny{padding:1px 6px;font-size:11px}
.muted{color:var(--muted)}
.chart{width:100%;height:170px;display:block}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;margin-top:6px;font-size:12px;color:var(--muted)}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.seg{display:inline-flex;border:1px solid var(--line);border-radius:6px;overflow:hidden;margin-left:auto}
.seg button{border:0;background:#fff;padding:2px 8px;font:inherit;font-size:12px;cursor:pointer;color:var(--muted);white-space:nowrap}
.seg button.on{background:#eef4ff;color:var(--info);font-weight:600}
.bar{height:8px;background:#eef0f3;border-radius:5px;overflow:hidden;margin-top:4px}
.bar > div{height:100%;background:var(--ok)}
.bar.warn > div{background:var(--warn)}.bar.bad > div{background:var(--bad)}
.budget{padding:6px 0;border-bottom:1px solid #f0f2f5}
.budget:last-child{border-bottom:0}
.budget .row{display:flex;justify-content:space-between;gap:8px}
.tl{max-height:260px;overflow:auto}
.ev{display:flex;gap:8px;padding:4px 0;border-bottom:1px solid #f0f2f5;align-items:baseline}
.ev time{color:var(--muted);font-variant-numeric:tabular-nums;min-width:62px}
.tag{font-size:11px;font-weight:700;border-radius:4px;padding:0 5px;white-space:nowrap}
.tag.fallback{background:#fef0c7;color:#93370d}
.tag.breaker{background:#fee4e2;color:#b42318}
.tag.control{background:#dbeafe;color:#1e40af}
.tag.budget{background:#ebe9fe;color:#5925dc}
.tag.error{background:#f2f4f7;color:#344054}
.controls label{display:block;color:var(--muted);font-size:12px;margin:6px 0 2px}
.controls select,.controls input{width:100%;padding:5px 6px;border:1px solid var(--line);border-radius:6px;font:inherit;background:#fff}
.forced{background:#fff6ed;border:1px solid #fddcab;border-radius:6px;padding:6px 8px;margin-top:8px;color:#93370d}
#toast{position:fixed;right:18px;bottom:18px;background:#111827;color:#fff;padding:8px 12px;border-radius:8px;
  opacity:0;transition:opacity .2s;pointer-events:none;max-width:420px}
#toast.show{opacity:.95}
#toast.err{background:#b42318}
.empty{color:var(--muted);padding:8px 0}
.budgets-scroll{max-height:300px;overflow:auto}
@media (max-width:1100px){.span3{grid-column:span 6}.span4,.span5,.span7,.span8{grid-column:span 12}.span6{grid-column:span 12}}
</style>
</head>
<body>
<header>
  <div class="logo">⇄ switchyard <span>ops</span></div>
  <div class="sub">Operations dashboard · 运维面板</div>
  <div class="grow"></div>
  <label class="sub" for="scope">Scope 范围</label>
  <select id="scope" aria-label="scope"></select>
  <span id="who" class="chip role"></span>
  <span class="sub"><span id="live" class="live"></span> <span id="updated">—</span></span>
</header>
<main>
  <section class="card kpi span3"><div class="label">Requests today · 今日请求</div>
    <div class="value" id="k-req">—</div><div class="note" id="k-req-n"></div></section>
  <section class="card kpi span3"><div class="label">Error rate · 错误率</div>
    <div class="value" id="k-err">—</div><div class="note" id="k-err-n"></div></section>
  <section class="card kpi span3"><div class="label">Fallbacks · 回退</div>
    <div class="value" id="k-fb">—</div><div class="note" id="k-fb-n"></div></section>
  <section class="card kpi span3"><div class="label">Spend today · 今日花费</div>
    <div class="value" id="k-cost">—</div><div class="note" id="k-cost-n"></div></section>

  <section class="card span12"><h2>Providers · 供应商 <small id="prov-note"></small></h2><div class="providers" id="providers"></div></section>

  <section class="card span6"><h2>Latency · 延迟 <small>ms, successful attempts 成功调用</small></h2>
    <svg class="chart" id="c-lat"></svg><div class="legend" id="l-lat"></div></section>
  <section class="card span6"><h2>Error rate · 错误率 <small>failed / all attempts 失败比例</small></h2>
    <svg class="chart" id="c-err"></svg><div class="legend" id="l-err"></div></section>

  <section class="card span6"><h2>Spend over time · 花费趋势 <small>USD, cumulative today 今日累计</small>
    <span class="seg" id="spend-by">
      <button data-by="model" class="on">Model 模型</button>
      <button data-by="tenant">Tenant 租户</button>
      <button data-by="agent">Agent 智能体</button>
    </span></h2>
    <svg class="chart" id="c-spend" style="height:200px"></svg><div class="legend" id="l-spend"></div></section>
  <section class="card span3"><h2>Budgets · 预算 <small>remaining 剩余</small></h2><div id="budgets" class="budgets-scroll"></div></section>
  <section class="card span3 controls" id="controls-card"><h2>Emergency controls · 紧急控制</h2><div id="controls"></div></section>

  <section class="card span12"><h2>Fallbacks, breakers and controls · 回退、熔断与操作 <small>timeline 时间线</small></h2>
    <svg class="chart" id="c-tl" style="height:74px"></svg><div class="legend" id="l-tl"></div><div class="tl" id="timeline"></div></section>
</main>
<div id="toast" role="status"></div>
<script>
(function () {
  'use strict';
  var REFRESH = __REFRESH_MS__;
  var CSRF = __CSRF_HEADER__;
  var COLORS = ['#2e6be6', '#12a150', '#e8a317', '#d92d20', '#7a5af8', '#0ba5ec', '#ee46bc', '#667085', '#15b79e', '#f38744'];
  var TL_COLORS = { fallback: '#e8a317', breaker: '#d92d20', control: '#2e6be6', budget: '#7a5af8', error: '#98a2b3' };
  var state = { data: null, spendBy: 'model', scope: null, busy: false };
  var colorOf = {};
  function color(name) { if (!(name in colorOf)) colorOf[name] = COLORS[Object.keys(colorOf).length % COLORS.length]; return colorOf[name]; }
  function $(id) { return document.getElementById(id); }
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); }
  function usd(micros) { var v = micros / 1e6; return '$' + (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4)); }
  function pct(x) { return (x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0) + '%'; }
  function ms(x) { return x == null ? '—' : x >= 1000 ? (x / 1000).toFixed(2) + ' s' : Math.round(x) + ' ms'; }
  function hhmmss(t) { var d = new Date(t); return d.toTimeString().slice(0, 8); }
  var STATE_LABEL = { closed: 'Healthy 正常', degraded: 'Degraded 降级', open: 'Circuit open 熔断', disabled: 'Disabled 已停用' };
  var ROLE_LABEL = { admin: 'Admin 管理员', 'tenant-admin': 'Tenant admin 租户管理员', monitor: 'Monitor 只读' };

  function toast(text, bad) {
    var t = $('toast'); t.textContent = text; t.className = bad ? 'show err' : 'show';
    clearTimeout(toast.timer); toast.timer = setTimeout(function () { t.className = ''; }, 2600);
  }

  function query() { return state.scope ? '?tenant=' + encodeURIComponent(state.scope) : ''; }

  function load() {
    if (state.busy) return;
    state.busy = true;
    fetch('api/overview' + query(), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { $('live').className = 'live stale'; $('updated').textContent = (res.body.error && res.body.error.message) || 'error'; return; }
        state.data = res.body; $('live').className = 'live'; $('updated').textContent = hhmmss(res.body.now); render();
      })
      .catch(function () { $('live').className = 'live stale'; $('updated').textContent = 'offline 离线'; })
      .then(function () { state.busy = false; });
  }

  function post(path, body, done) {
    var headers = { 'content-type': 'application/json' }; headers[CSRF] = '1';
    fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body || {}), credentials: 'same-origin' })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (res.ok) { toast(done || 'Done 已完成'); load(); }
        else toast((res.body.error && res.body.error.message) || 'Refused 被拒绝', true);
      })
      .catch(function () { toast('Request failed 请求失败', true); });
  }

  function canAdmin() { return state.data && state.data.me.role === 'admin'; }
  function canForce() { return state.data && state.data.me.role !== 'monitor'; }

  function renderHeader(d) {
    $('who').textContent = (ROLE_LABEL[d.me.role] || d.me.role) + ' · ' + d.me.actor + (d.me.tenant ? ' · ' + d.me.tenant : '');
    var sel = $('scope');
    var opts = (d.me.role === 'admin' || (d.me.role === 'monitor' && !d.me.tenant) ? [''] : []).concat(d.tenants);
    var html = opts.map(function (t) {
      return '<option value="' + esc(t) + '"' + ((d.scope || '') === t ? ' selected' : '') + '>' +
        (t === '' ? 'All tenants 全部租户' : 'Tenant 租户: ' + esc(t)) + '</option>';
    }).join('');
    if (sel.getAttribute('data-html') !== html) { sel.innerHTML = html; sel.setAttribute('data-html', html); }
    sel.disabled = opts.length < 2;
  }

  function renderKpis(d) {
    var t = d.today;
    $('k-req').textContent = t.requests.toLocaleString();
    $('k-req-n').textContent = t.ok + ' ok · ' + t.errors + ' failed 失败';
    $('k-err').textContent = t.requests ? pct(t.errors / t.requests) : '—';
    $('k-err').style.color = t.requests && t.errors / t.requests > 0.05 ? 'var(--bad)' : '';
    var fbWin = d.series.reduce(function (n, b) { return n + b.fallbacks; }, 0);
    $('k-fb').textContent = t.fallbacks.toLocaleString();
    var win = d.series.length * d.sampleMs;
    $('k-fb-n').textContent = fbWin + ' in the last ' + (win >= 120000 ? Math.round(win / 60000) + ' min' : Math.round(win / 1000) + ' s') + ' 最近';
    $('k-cost').textContent = usd(t.costMicros);
    $('k-cost-n').textContent = t.tokens.total.toLocaleString() + ' tokens · avg 平均 ' + ms(t.avgLatencyMs);
  }

  function renderProviders(d) {
    var h = d.health, out = [];
    Object.keys(h.providers).forEach(function (name) {
      var p = h.providers[name];
      var st = p.disabled ? 'disabled' : p.state;
      var rows = p.models.map(function (m) {
        var mh = h.models[m];
        var force = canForce() && !mh.disabled
          ? ' <button class="btn tiny" data-act="force" data-model="' + esc(m) + '" title="Force every request to this model 强制使用">Force</button>'
          : '';
        return '<tr><td class="model"><span class="dot ' + esc(mh.state) + '" title="breaker ' + esc(mh.state) + '"></span>' +
          esc(m) + (mh.disabled ? ' <span class="muted">(off)</span>' : '') + '</td>' +
          '<td class="num">' + ms(mh.latencyMs) + '</td>' +
          '<td class="num" style="color:' + (mh.errorRate > 0.2 ? 'var(--bad)' : 'inherit') + '">' + pct(mh.errorRate) + '</td>' +
          '<td class="num">' + mh.inFlight + '</td><td class="num">' + force + '</td></tr>';
      }).join('');
      var acts = '';
      if (canAdmin()) {
        acts = '<div class="actions">' + (p.disabled
          ? '<button class="btn go" data-act="enable" data-target="' + esc(name) + '">Enable 启用</button>'
          : '<button class="btn danger" data-act="disable" data-target="' + esc(name) + '">Disable 停用</button>') +
          '<button class="btn" data-act="reset" data-target="' + esc(name) + '">Reset breaker 重置熔断</button></div>';
      }
      out.push('<div class="prov ' + esc(st) + '" data-provider="' + esc(name) + '"><div class="top"><span class="name">' + esc(name) + '</span>' +
        '<span class="chip pill ' + esc(st) + '">' + (STATE_LABEL[st] || esc(st)) + '</span></div>' +
        '<table><thead><tr><th>Model<br>模型</th><th class="num">Latency<br>延迟</th><th class="num">Errors<br>错误率</th>' +
        '<th class="num" title="calls in flight">Now<br>进行中</th><th></th></tr></thead><tbody>' + rows + '</tbody></table>' + acts + '</div>');
    });
    $('providers').innerHTML = out.join('') || '<div class="empty">No providers</div>';
    var off = Object.keys(h.providers).filter(function (n) { return h.providers[n].disabled; }).length;
    $('prov-note').textContent =
      Object.keys(h.providers).length + ' providers · ' + Object.keys(h.models).length + ' models' + (off ? ' · ' + off + ' disabled 已停用' : '');
  }

  function renderControls(d) {
    if (d.me.role === 'monitor') { $('controls').innerHTML = '<div class="empty">Read-only role: controls are hidden. 只读角色，无操作权限。</div>'; return; }
    var models = Object.keys(d.health.models);
    var forced = Object.keys(d.forced).map(function (t) {
      return '<div class="forced">Forced 强制: <b>' + esc(d.forced[t]) + '</b> for ' + (t === '*' ? 'everyone 所有租户' : 'tenant ' + esc(t)) + '</div>';
    }).join('');
    var tenantSel = canAdmin()
      ? '<label for="f-tenant">Tenant 租户 (empty = everyone 全部)</label><select id="f-tenant"><option value="">everyone 全部</option>' +
        d.tenants.map(function (t) { return '<option' + (t === d.scope ? ' selected' : '') + '>' + esc(t) + '</option>'; }).join('') + '</select>'
      : '<label>Tenant 租户</label><div><b>' + esc(d.me.tenant) + '</b></div>';
    var html = '<label for="f-model">Force a model 强制使用模型</label><select id="f-model">' +
      models.map(function (m) { return '<option>' + esc(m) + '</option>'; }).join('') + '</select>' + tenantSel +
      '<div class="actions"><button class="btn danger" data-act="force-form">Force 强制</button>' +
      '<button class="btn" data-act="unforce">Unforce 取消强制</button></div>' + forced;
    if (canAdmin()) {
      var disabled = Object.keys(d.health.models).filter(function (m) { return d.health.models[m].disabled; });
      html += '<label>Disabled 已停用</label><div>' + (disabled.length ? disabled.map(esc).join(', ') : '<span class="muted">none 无</span>') + '</div>';
    }
    var box = $('controls');
    var sel = $('f-model'), tsel = $('f-tenant');
    var keep = { model: sel ? sel.value : null, tenant: tsel ? tsel.value : null };
    if (box.getAttribute('data-html') !== html) {
      box.innerHTML = html; box.setAttribute('data-html', html);
      if (keep.model && $('f-model')) $('f-model').value = keep.model;
      if (keep.tenant !== null && $('f-tenant')) $('f-tenant').value = keep.tenant;
    }
  }

  function axis(svg, w, h, pad, maxY, fmt, t0, t1) {
    var g = '';
    for (var i = 0; i <= 3; i++) {
      var y = pad.t + (h - pad.t - pad.b) * (1 - i / 3);
      g += '<line x1="' + pad.l + '" x2="' + (w - pad.r) + '" y1="' + y + '" y2="' + y + '" stroke="#eef0f3"/>';
      g += '<text x="' + (pad.l - 6) + '" y="' + (y + 4) + '" text-anchor="end" font-size="10" fill="#98a2b3">' + fmt(maxY * i / 3) + '</text>';
    }
    if (t1 > t0) {
      g += '<text x="' + pad.l + '" y="' + (h - 4) + '" font-size="10" fill="#98a2b3">' + hhmmss(t0) + '</text>';
      g += '<text x="' + (w - pad.r) + '" y="' + (h - 4) + '" text-anchor="end" font-size="10" fill="#98a2b3">' + hhmmss(t1) + '</text>';
    }
    return g;
  }

  /** series: [{ name, points: [[t, y|null]] }]; opts: { fmt, stacked, lines: [{ y, label }] } */
  function lineChart(id, legendId, series, opts) {
    var svg = $(id), w = svg.clientWidth || 600, h = svg.clientHeight || 170, pad = { l: 46, r: 10, t: 8, b: 18 };
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var ts = [], maxY = 0;
    series.forEach(function (s) { s.points.forEach(function (p) { ts.push(p[0]); if (p[1] != null && p[1] > maxY) maxY = p[1]; }); });
    (opts.lines || []).forEach(function (l) { if (l.y > maxY) maxY = l.y; });
    if (!ts.length) {
      svg.innerHTML = '<text x="' + (w / 2) + '" y="' + (h / 2) + '" text-anchor="middle" fill="#98a2b3" font-size="12">No traffic yet 暂无数据</text>';
      $(legendId).innerHTML = '';
      return;
    }
    maxY = opts.maxY !== undefined ? opts.maxY : maxY > 0 ? maxY * 1.1 : 1;
    var t0 = Math.min.apply(null, ts), t1 = Math.max.apply(null, ts); if (t1 === t0) t1 = t0 + 1;
    var X = function (t) { return pad.l + (w - pad.l - pad.r) * (t - t0) / (t1 - t0); };
    var Y = function (v) { return pad.t + (h - pad.t - pad.b) * (1 - v / maxY); };
    var g = axis(svg, w, h, pad, maxY, opts.fmt, t0, t1);
    series.forEach(function (s) {
      var c = color(s.name), d = '', pen = false;
      s.points.forEach(function (p) {
        if (p[1] == null) { pen = false; return; }
        d += (pen ? 'L' : 'M') + X(p[0]).toFixed(1) + ',' + Y(p[1]).toFixed(1); pen = true;
      });
      if (opts.fill && d) {
        g += '<path d="' + d + 'L' + X(s.points[s.points.length - 1][0]).toFixed(1) + ',' + Y(0) + 'L' + X(s.points[0][0]).toFixed(1) + ',' + Y(0) +
          'Z" fill="' + c + '" fill-opacity=".10"/>';
      }
      if (d) g += '<path d="' + d + '" fill="none" stroke="' + c + '" stroke-width="2" stroke-linejoin="round"/>';
    });
    (opts.lines || []).forEach(function (l) {
      g += '<line x1="' + pad.l + '" x2="' + (w - pad.r) + '" y1="' + Y(l.y) + '" y2="' + Y(l.y) + '" stroke="#d92d20" stroke-dasharray="5 4"/>';
      g += '<text x="' + (w - pad.r - 2) + '" y="' + (Y(l.y) - 4) + '" text-anchor="end" font-size="10" fill="#d92d20">' + esc(l.label) + '</text>';
    });
    svg.innerHTML = g;
    $(legendId).innerHTML = series.map(function (s) {
      return '<span><i style="background:' + color(s.name) + '"></i>' + esc(s.name || '(none)') + (s.note ? ' ' + esc(s.note) : '') + '</span>';
    }).join('');
  }

  function renderCharts(d) {
    var models = {};
    d.series.forEach(function (b) { Object.keys(b.models).forEach(function (m) { models[m] = true; }); });
    var names = Object.keys(models).sort();
    lineChart('c-lat', 'l-lat', names.map(function (m) {
      return { name: m, points: d.series.map(function (b) { var s = b.models[m]; return [b.t, s && s.ok ? s.latencyMs / s.ok : null]; }) };
    }), { fmt: function (v) { return Math.round(v) + ''; } });
    lineChart('c-err', 'l-err', names.map(function (m) {
      return { name: m, points: d.series.map(function (b) { var s = b.models[m]; return [b.t, s && s.n ? s.err / s.n : (s ? 0 : null)]; }) };
    }), { fmt: function (v) { return Math.round(v * 100) + '%'; }, maxY: 1 });

    var key = state.spendBy === 'tenant' ? 'byTenant' : state.spendBy === 'agent' ? 'byAgent' : 'byModel';
    var groups = {}, windowTotal = 0;
    d.series.forEach(function (b) { Object.keys(b.spend[key]).forEach(function (g) { groups[g] = true; windowTotal += b.spend[key][g]; }); });
    // Today's spend before the window, so that the curves read against the day's budgets.
    var before = Math.max(0, d.today.costMicros - windowTotal);
    var gnames = Object.keys(groups).sort();
    var series = gnames.map(function (g) {
      var acc = 0;
      return { name: g || '(none)', points: d.series.map(function (b) { acc += b.spend[key][g] || 0; return [b.t, acc / 1e6]; }) };
    });
    var total = 0;
    series.push({ name: 'total 合计', points: d.series.map(function (b) {
      Object.keys(b.spend[key]).forEach(function (g) { total += b.spend[key][g]; });
      return [b.t, (before + total) / 1e6];
    }) });
    var top = 0;
    series.forEach(function (s) { s.points.forEach(function (p) { if (p[1] > top) top = p[1]; }); });
    var lines = d.budgets.filter(function (b) {
      return b.period === 'day' && !b.instance && (!b.scope.tenant || b.scope.tenant === d.scope) &&
        Object.keys(b.scope).every(function (k) { return k === 'tenant'; });
    }).map(function (b) { return { y: b.limitMicros / 1e6, label: 'budget ' + b.id + ' ' + usd(b.limitMicros) }; });
    // A budget far above today's spend would flatten the curves: it is named in the legend instead.
    var onScale = lines.filter(function (l) { return l.y <= Math.max(top * 3, 1e-9); });
    var offScale = lines.filter(function (l) { return onScale.indexOf(l) < 0; });
    if (offScale.length) {
      series[series.length - 1].note = '· ' + offScale.map(function (l) { return l.label; }).join(', ') + ' (' + pct(top / offScale[0].y) + ' used 已用)';
    }
    lineChart('c-spend', 'l-spend', series, { fmt: function (v) { return '$' + (v >= 1 ? v.toFixed(1) : v.toFixed(3)); }, lines: onScale, fill: true });
  }

  function renderBudgets(d) {
    if (!d.budgets.length) { $('budgets').innerHTML = '<div class="empty">No budgets configured 未配置预算</div>'; return; }
    $('budgets').innerHTML = d.budgets.map(function (b) {
      var used = b.limitMicros ? (b.spentMicros + b.heldMicros) / b.limitMicros : 0, cls = used >= 1 ? 'bad' : used >= 0.8 ? 'warn' : '';
      var scope = Object.keys(b.scope).map(function (k) { return k + '=' + b.scope[k]; }).join(', ') || 'global 全局';
      return '<div class="budget"><div class="row"><b>' + esc(b.id) + '</b><span class="muted">' + esc(b.period) + ' · ' + esc(b.onExceed) + '</span></div>' +
        '<div class="row muted"><span>' + esc(b.instance || scope) + '</span><span>' + usd(b.spentMicros) +
        (b.heldMicros ? ' + ' + usd(b.heldMicros) + ' held 占用' : '') + ' / ' + usd(b.limitMicros) + '</span></div>' +
        '<div class="bar ' + cls + '"><div style="width:' + Math.min(100, used * 100).toFixed(1) + '%"></div></div>' +
        '<div class="row"><span class="muted">remaining 剩余 ' + usd(b.remainingMicros) + (b.approximate ? ' (ledger, UTC)' : '') + '</span>' +
        (b.lastAlert ? '<span class="tag budget">' + esc(b.lastAlert.reason) + ' ' + hhmmss(b.lastAlert.at) + '</span>' : '') + '</div></div>';
    }).join('');
  }

  function describe(e) {
    switch (e.kind) {
      case 'fallback':
        return esc(e.from) + ' → ' + esc(e.to) + ' <span class="muted">after ' + esc(e.error) + (e.tenant ? ' · ' + esc(e.tenant) : '') + '</span>';
      case 'breaker':
        return esc(e.model) + ': ' + esc(e.from) + ' → <b>' + esc(e.to) + '</b> <span class="muted">' + esc(e.reason) + '</span>';
      case 'control':
        return '<b>' + esc(e.action) + '</b> ' + esc(e.target) + (e.tenant ? ' (tenant ' + esc(e.tenant) + ')' : '') +
          ' <span class="muted">by ' + esc(e.actor || '?') + '</span>';
      case 'budget':
        return esc(e.budgetId) + ' ' + esc(e.reason) + ' <span class="muted">' + usd(e.spentMicros) + ' / ' + usd(e.limitMicros) + '</span>';
      default:
        return esc(e.error) + (e.model ? ' at ' + esc(e.model) : '') + (e.tenant ? ' <span class="muted">' + esc(e.tenant) + '</span>' : '');
    }
  }

  function renderTimeline(d) {
    var svg = $('c-tl'), w = svg.clientWidth || 800, h = svg.clientHeight || 74, pad = 12;
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    var t1 = d.now, t0 = d.series.length ? Math.min(d.series[0].t, t1 - d.sampleMs) : t1 - 600000;
    var kinds = ['fallback', 'breaker', 'control', 'budget', 'error'];
    var g = '';
    kinds.forEach(function (k, i) {
      var y = 8 + i * 13;
      g += '<line x1="' + pad + '" x2="' + (w - pad) + '" y1="' + y + '" y2="' + y + '" stroke="#f0f2f5"/>';
    });
    d.timeline.forEach(function (e) {
      if (e.at < t0) return;
      var x = pad + (w - 2 * pad) * (e.at - t0) / Math.max(1, t1 - t0), y = 8 + kinds.indexOf(e.kind) * 13;
      g += '<circle cx="' + x.toFixed(1) + '" cy="' + y + '" r="4" fill="' + TL_COLORS[e.kind] + '" fill-opacity=".8">' +
        '<title>' + esc(e.kind) + ' ' + hhmmss(e.at) + '</title></circle>';
    });
    svg.innerHTML = g;
    $('l-tl').innerHTML = kinds.map(function (k) {
      var n = d.timeline.filter(function (e) { return e.kind === k; }).length;
      return '<span><i style="background:' + TL_COLORS[k] + '"></i>' + k + ' ' + n + '</span>';
    }).join('');
    // Repeats in a row (the same refusal fifty times) are one line with a count.
    var items = [];
    d.timeline.slice(-200).reverse().forEach(function (e) {
      var text = describe(e), last = items[items.length - 1];
      if (last && last.kind === e.kind && last.text === text) last.n++;
      else items.push({ kind: e.kind, at: e.at, text: text, n: 1 });
    });
    $('timeline').innerHTML = items.length ? items.slice(0, 40).map(function (e) {
      return '<div class="ev"><time>' + hhmmss(e.at) + '</time><span class="tag ' + esc(e.kind) + '">' + esc(e.kind) + '</span>' +
        '<span>' + e.text + (e.n > 1 ? ' <b class="muted">×' + e.n + '</b>' : '') + '</span></div>';
    }).join('') : '<div class="empty">Nothing yet 暂无事件</div>';
  }

  function render() {
    var d = state.data;
    if (!d) return;
    if (state.scope === null && d.scope) state.scope = d.scope;
    renderHeader(d); renderKpis(d); renderProviders(d); renderControls(d); renderCharts(d); renderBudgets(d); renderTimeline(d);
  }

  document.addEventListener('click', function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest('[data-act],[data-by]') : null;
    if (!b) return;
    var by = b.getAttribute('data-by');
    if (by) {
      state.spendBy = by;
      Array.prototype.forEach.call(document.querySelectorAll('#spend-by button'), function (x) { x.className = x === b ? 'on' : ''; });
      render(); return;
    }
    var act = b.getAttribute('data-act'), target = b.getAttribute('data-target'), model = b.getAttribute('data-model');
    var d = state.data, ownTenant = d && d.me.role === 'tenant-admin' ? d.me.tenant : undefined;
    var scopeTenant = function () { var t = $('f-tenant'); return ownTenant || (t && t.value) || state.scope || undefined; };
    if (act === 'disable') post('controls/disable', { target: target }, target + ' disabled 已停用');
    else if (act === 'enable') post('controls/enable', { target: target }, target + ' enabled 已启用');
    else if (act === 'reset') post('providers/health/' + encodeURIComponent(target) + '/reset', {}, 'Breakers of ' + target + ' reset 已重置');
    else if (act === 'force') {
      var t = ownTenant || state.scope || undefined;
      post('controls/force', t ? { model: model, tenant: t } : { model: model }, 'Forced 强制 ' + model);
    }
    else if (act === 'force-form') {
      var m = $('f-model').value, t2 = scopeTenant();
      post('controls/force', t2 ? { model: m, tenant: t2 } : { model: m }, 'Forced 强制 ' + m);
    }
    else if (act === 'unforce') { var t3 = scopeTenant(); post('controls/unforce', t3 ? { tenant: t3 } : {}, 'Unforced 已取消'); }
  });
  $('scope').addEventListener('change', function (ev) { state.scope = ev.target.value || ''; load(); });
  window.addEventListener('resize', render);
  load();
  setInterval(load, REFRESH);
})();
</script>
</body>
</html>
`;
