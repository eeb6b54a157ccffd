import type { Complexity } from '../../src/routing/plan/classify/index.js';

/** [prompt, language label ('en' | 'zh-Hans' | 'zh-Hant' | 'zh-mixed'), complexity label] */
export type Labelled = [string, 'en' | 'zh-Hans' | 'zh-Hant' | 'zh-mixed' | 'ja' | 'ko', Complexity];

export const LABELLED: Labelled[] = [
  // English: customer service and assistant traffic
  ['Where is my order?', 'en', 'simple'],
  ['Hi, can I change my delivery address?', 'en', 'simple'],
  ['What are your opening hours on Sunday?', 'en', 'simple'],
  ['Thanks, that solved it!', 'en', 'simple'],
  ['Cancel my subscription please.', 'en', 'simple'],
  ['How do I reset my password?', 'en', 'simple'],
  ['Is the blue jacket available in size M?', 'en', 'simple'],
  ['Translate "good morning" into French.', 'en', 'simple'],
  [
    'I was charged twice for order 55812. Can you refund one of the charges, and how long will the refund take? Also, will I get an email confirmation?',
    'en',
    'moderate',
  ],
  ['Compare the Pro and the Basic plan for a team of five people.', 'en', 'moderate'],
  [
    'Write a short, friendly reply to a customer who is upset that their parcel arrived damaged, offering a replacement or a refund.',
    'en',
    'moderate',
  ],
  [
    'Summarize this complaint in two sentences: the customer ordered a sofa in March, delivery was postponed three times, the driver ' +
      'never called, and the support line hung up twice. They now want compensation and a firm delivery date.',
    'en',
    'moderate',
  ],
  ['Explain step by step how to set up two-factor authentication in the mobile app.', 'en', 'moderate'],
  ['Why does my invoice show VAT? I am a business customer in Germany. What do I need to send you?', 'en', 'moderate'],
  ['Fix this: ```js\nconst total = items.reduce((a, b) => a + b.price)\n```', 'en', 'moderate'],
  [
    'Analyze our refund policy for loopholes that customers could exploit, compare it with typical e-commerce policies, and propose ' +
      'three concrete changes with their trade-offs.',
    'en',
    'complex',
  ],
  [
    'Design a routing architecture for a support system with 40 agent types: first classify intent, then pick a model per intent, then ' +
      'define fallbacks. What are the failure modes? How would you monitor it? What would it cost?',
    'en',
    'complex',
  ],
  [
    'Refactor this function to handle retries with exponential backoff and explain the trade-offs:\n```ts\nasync function send(msg) ' +
      '{\n  const res = await fetch(url, { method: "POST", body: msg });\n  return res.json();\n}\n```',
    'en',
    'complex',
  ],
  [
    'Prove that the sum of the first n odd numbers is n squared, then derive a closed form for the sum of the first n even numbers.',
    'en',
    'complex',
  ],
  [
    'We need a migration plan: 1. export tickets from Zendesk 2. map fields to our schema 3. backfill customer ids 4. validate counts. ' +
      'Evaluate the risks of each step and estimate effort.',
    'en',
    'complex',
  ],
  [
    'Evaluate three pricing strategies for our SaaS (per seat, usage-based, flat) given churn of 4% a month and a CAC of $300. Which ' +
      'maximizes LTV? Show the calculation. What assumptions matter most?',
    'en',
    'complex',
  ],
  ['ok', 'en', 'simple'],
  ['Can you recommend a laptop bag under $50?', 'en', 'simple'],
  ['My code throws "TypeError: cannot read properties of undefined (reading map)" when the list is empty. Why?', 'en', 'moderate'],

  // Simplified Chinese
  ['我的订单到哪里了？', 'zh-Hans', 'simple'],
  ['你好，请问今天几点关门？', 'zh-Hans', 'simple'],
  ['怎么修改收货地址？', 'zh-Hans', 'simple'],
  ['谢谢，问题解决了。', 'zh-Hans', 'simple'],
  ['这个商品有红色的吗？', 'zh-Hans', 'simple'],
  ['我要退货。', 'zh-Hans', 'simple'],
  ['帮我查一下会员积分。', 'zh-Hans', 'simple'],
  ['发票什么时候能开好？', 'zh-Hans', 'simple'],
  ['我上周买的耳机左边没有声音，已经重启过手机也重新配对了，还是不行。可以换货吗？需要寄回去吗？运费谁来出？', 'zh-Hans', 'moderate'],
  ['请比较一下你们的标准会员和高级会员有什么区别。', 'zh-Hans', 'moderate'],
  ['帮我写一段回复，向客户解释这次物流延迟的原因，并表示歉意，语气要专业但亲切。', 'zh-Hans', 'moderate'],
  ['请一步一步告诉我如何在手机应用里绑定银行卡。', 'zh-Hans', 'moderate'],
  ['这段代码为什么报错？```python\nprint(total / count)\n```', 'zh-Hans', 'moderate'],
  ['我在广州，订单显示已签收但是我没有收到包裹，快递员电话也打不通。现在应该怎么办？能先退款吗？', 'zh-Hans', 'moderate'],
  ['请分析我们过去三个月的客户投诉，比较主要问题的变化趋势，并设计一个改进方案，说明每个措施的成本和预期效果。', 'zh-Hans', 'complex'],
  ['首先帮我梳理一下跨境电商的退税流程，然后评估我们现在的做法有哪些风险，最后给出优化建议。', 'zh-Hans', 'complex'],
  [
    '设计一个多租户客服系统的架构：每个品牌有自己的模型和预算，需要支持故障转移和成本统计。有哪些关键难点？怎么监控？如何控制成本？',
    'zh-Hans',
    'complex',
  ],
  ['证明对于任意正整数n，n的三次方减n能被6整除，并推导出一般形式。', 'zh-Hans', 'complex'],
  ['我们需要迁移数据：1. 导出工单 2. 转换字段 3. 补全客户编号 4. 校验数量。请评估每一步的风险并估算工作量。', 'zh-Hans', 'complex'],
  ['好的', 'zh-Hans', 'simple'],
  ['这款手机支持无线充电吗？', 'zh-Hans', 'simple'],
  ['帮我把这个API的response解析一下，为什么status是500？', 'zh-mixed', 'simple'],
  ['请帮我debug这个function，它在list为空的时候会报错，我已经试过加if判断了。', 'zh-mixed', 'moderate'],
  ['我们的SaaS产品应该用per seat还是usage-based定价？请分析两种方案的利弊并给出建议。', 'zh-mixed', 'complex'],

  // Traditional Chinese
  ['我的訂單到哪裡了？', 'zh-Hant', 'simple'],
  ['你好，請問今天幾點關門？', 'zh-Hant', 'simple'],
  ['怎麼修改收貨地址？', 'zh-Hant', 'simple'],
  ['謝謝，問題解決了。', 'zh-Hant', 'simple'],
  ['這個商品有紅色的嗎？', 'zh-Hant', 'simple'],
  ['我要退貨。', 'zh-Hant', 'simple'],
  ['幫我查一下會員點數。', 'zh-Hant', 'simple'],
  ['發票什麼時候能開好？', 'zh-Hant', 'simple'],
  ['我上週買的耳機左邊沒有聲音，已經重新啟動手機也重新配對了，還是不行。可以換貨嗎？需要寄回去嗎？運費誰來出？', 'zh-Hant', 'moderate'],
  ['請比較一下你們的標準會員和高級會員有什麼區別。', 'zh-Hant', 'moderate'],
  ['幫我寫一段回覆，向客戶解釋這次物流延遲的原因，並表示歉意，語氣要專業但親切。', 'zh-Hant', 'moderate'],
  ['請一步一步告訴我如何在手機應用程式裡綁定銀行卡。', 'zh-Hant', 'moderate'],
  ['我在台北，訂單顯示已簽收但是我沒有收到包裹，快遞員電話也打不通。現在應該怎麼辦？能先退款嗎？', 'zh-Hant', 'moderate'],
  ['請分析我們過去三個月的客戶投訴，比較主要問題的變化趨勢，並設計一個改進方案，說明每個措施的成本和預期效果。', 'zh-Hant', 'complex'],
  ['首先幫我整理一下跨境電商的退稅流程，然後評估我們現在的做法有哪些風險，最後給出優化建議。', 'zh-Hant', 'complex'],
  [
    '設計一個多租戶客服系統的架構：每個品牌有自己的模型和預算，需要支援故障轉移和成本統計。有哪些關鍵難點？怎麼監控？如何控制成本？',
    'zh-Hant',
    'complex',
  ],
  ['證明對於任意正整數n，n的三次方減n能被6整除，並推導出一般形式。', 'zh-Hant', 'complex'],
  ['好的', 'zh-Hant', 'simple'],
  ['這款手機支援無線充電嗎？', 'zh-Hant', 'simple'],
  ['這段程式碼為什麼會出錯？```python\nprint(total / count)\n```', 'zh-Hant', 'moderate'],

  // Neighbours that must not be taken for Chinese
  ['注文した商品はいつ届きますか？', 'ja', 'simple'],
  ['주문한 상품은 언제 도착하나요?', 'ko', 'simple'],
];

/**
 * Written after the cue lists above were tuned on LABELLED, and never used for tuning: the
 * honest accuracy figure comes from here.
 */
export const HELD_OUT: Labelled[] = [
  ['Do you ship to Canada?', 'en', 'simple'],
  ['What is the warranty on the X200 vacuum?', 'en', 'simple'],
  ['Please update my phone number to 555-0100.', 'en', 'simple'],
  ['My discount code SAVE10 does not work at checkout. I tried twice on mobile and on desktop. What else can I try?', 'en', 'moderate'],
  ['Draft an apology email for a two-day outage of our booking service.', 'en', 'moderate'],
  ['Which of your three routers is better for a small office with thick walls, and why?', 'en', 'moderate'],
  [
    'Analyze the attached churn numbers by cohort, estimate the revenue impact of a 1% improvement, and design an experiment to test a ' +
      'new onboarding flow. What sample size do we need?',
    'en',
    'complex',
  ],
  [
    'Plan a phased rollout of our new pricing: first to 5% of new sign-ups, then to all new sign-ups, finally to existing customers. ' +
      'Evaluate risks at each phase and define rollback criteria.',
    'en',
    'complex',
  ],
  ['你们支持货到付款吗？', 'zh-Hans', 'simple'],
  ['运费多少钱？', 'zh-Hans', 'simple'],
  ['请把我的手机号改成13800000000。', 'zh-Hans', 'simple'],
  ['优惠码在结算页面用不了，手机和电脑都试过了，还是提示无效。我还能怎么办？', 'zh-Hans', 'moderate'],
  ['帮我写一封道歉邮件，说明系统宕机两天的原因。', 'zh-Hans', 'moderate'],
  ['请分析各个渠道的获客成本，估算提升转化率1%带来的收入，并设计一个实验方案来验证新的注册流程。需要多少样本？', 'zh-Hans', 'complex'],
  ['首先对新用户中5%灰度发布新价格，然后扩大到所有新用户，最后覆盖老用户。请评估每个阶段的风险并定义回滚标准。', 'zh-Hans', 'complex'],
  ['你們支援貨到付款嗎？', 'zh-Hant', 'simple'],
  ['運費多少錢？', 'zh-Hant', 'simple'],
  ['請把我的電話號碼改成0912345678。', 'zh-Hant', 'simple'],
  ['優惠碼在結帳頁面用不了，手機和電腦都試過了，還是顯示無效。我還能怎麼辦？', 'zh-Hant', 'moderate'],
  ['幫我寫一封道歉信，說明系統當機兩天的原因。', 'zh-Hant', 'moderate'],
  ['請分析各個通路的獲客成本，估算轉換率提升1%帶來的營收，並設計一個實驗來驗證新的註冊流程。需要多少樣本？', 'zh-Hant', 'complex'],
  ['首先對新用戶中5%灰度發布新價格，然後擴大到所有新用戶，最後涵蓋舊用戶。請評估每個階段的風險並定義回滾標準。', 'zh-Hant', 'complex'],
  ['我想买iPhone 16的保护壳，有推荐吗？', 'zh-mixed', 'simple'],
  ['我們的CRM要不要從Salesforce換到HubSpot？請比較成本和遷移風險。', 'zh-mixed', 'moderate'],
];
