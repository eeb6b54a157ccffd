/**
 * Characters that differ between Simplified and Traditional Chinese, as pairs (simplified,
 * traditional) of common ones. Characters shared by both scripts tell nothing and are ignored.
 * About 300 high-frequency pairs cover the characters that decide real prompts.
 */
const PAIRS =
  '们們这這说說时時国國会會来來对對个個为為过過发發后後经經还還没沒见見关關问問长長开開门門东東车車书書买買卖賣电電话話' +
  '语語学學实實当當与與点點应應动動业業从從让讓头頭样樣听聽现現间間认認边邊总總张張号號钱錢价價单單务務员員' +
  '机機么麼进進种種体體无無气氣万萬将將两兩办辦华華钟鐘线線红紅约約级級纪紀练練组組细細终終给給统統结結绝絕' +
  '续續网網罗羅义義习習乡鄉书書亲親觉覺觉覺计計订訂记記设設访訪证證评評识識诉訴试試询詢该該详詳请請读讀谁誰调調' +
  '谈談谢謝贝貝负負货貨质質购購贵貴费費资資赛賽赶趕转轉软軟轮輪较較输輸辑輯边邊过過运運还還这這进進远遠连連选選' +
  '钟鐘铁鐵银銀错錯键鍵镇鎮闭閉问問闻聞阅閱队隊阳陽阴陰际際陆陸险險随隨难難题題颜顏风風飞飛饭飯馆館马馬驾駕验驗' +
  '鱼魚鸟鳥黄黃齐齊龙龍龟龜惊驚欢歡汉漢汇匯没沒泽澤洁潔浅淺济濟涨漲湾灣满滿滚滾灵靈灯燈炼煉热熱爱愛犹猶独獨' +
  '猎獵环環现現产產亩畝盖蓋盘盤确確础礎碍礙礼禮离離种種积積称稱税稅稳穩穷窮窍竅竞競笔筆笼籠筑築签簽简簡' +
  '类類粮糧紧緊继繼绩績续續罢罷职職联聯肃肅胜勝脑腦脚腳脸臉节節苏蘇荣榮药藥莱萊获獲虑慮虫蟲虽雖蚀蝕补補' +
  '装裝复復规規视視览覽觉覺触觸誉譽变變认認让讓议議讯訊论論讲講许許诊診词詞译譯试試话話该該误誤说說请請诸諸' +
  '谋謀谓謂谱譜贡貢贤賢败敗账賬贷貸贸貿赏賞赞贊赵趙跃躍践踐车車轨軌轩軒软軟较較辆輛辈輩辉輝辞辭边邊达達迁遷' +
  '迟遲适適逻邏递遞郑鄭邮郵酱醬释釋针針钓釣铃鈴铅鉛银銀铺鋪链鏈销銷锁鎖锅鍋锐銳错錯锦錦镜鏡长長门門闪閃' +
  '闲閑间間闹鬧闻聞阔闊阵陣际際陈陳险險隐隱隶隸雾霧须須顶頂项項顺順须須顾顧顿頓预預领領频頻颗顆题題额額' +
  '风風飘飄饮飲饰飾饱飽饿餓馆館驶駛驻駐驱驅骂罵骑騎骗騙鲜鮮鸡雞鸭鴨麦麥黑黑齿齒龄齡亿億仅僅从從众眾优優伙夥' +
  '伤傷伦倫伟偉传傳伪偽侠俠侦偵侧側俭儉债債倾傾偿償储儲儿兒兰蘭关關兴興养養兽獸冈岡册冊写寫军軍农農冲衝' +
  '决決况況冻凍净淨凉涼减減凤鳳凭憑击擊凿鑿刘劉则則刚剛创創删刪别別剧劇剑劍劝勸办辦务務动動励勵劳勞势勢' +
  '勋勳区區医醫华華协協单單卖賣卢盧卫衛却卻厅廳历歷压壓厌厭厕廁县縣参參双雙发發变變叙敘叶葉号號叹嘆吓嚇' +
  '听聽启啟员員呜嗚响響哑啞唤喚啸嘯园園围圍图圖圆圓场場坏壞块塊坚堅坛壇坝壩垄壟垒壘垦墾执執扩擴扫掃扬揚' +
  '护護报報担擔拟擬拥擁拦攔择擇挂掛挡擋挤擠挥揮损損换換据據掷擲揽攬搀攙摄攝摆擺摇搖撑撐敌敵数數断斷' +
  '旧舊时時显顯晓曉晕暈暂暫术術杀殺杂雜权權条條来來杨楊极極构構枪槍柜櫃标標栏欄树樹样樣桥橋检檢楼樓' +
  '欧歐岁歲归歸录錄态態总總恋戀恶惡恼惱悦悅悬懸惧懼惯慣愿願庆慶库庫应應庙廟废廢广廣';

const SIMPLIFIED = new Set<string>();
const TRADITIONAL = new Set<string>();
for (let i = 0; i + 1 < PAIRS.length; i += 2) {
  const s = PAIRS[i]!;
  const t = PAIRS[i + 1]!;
  if (s !== t) {
    SIMPLIFIED.add(s);
    TRADITIONAL.add(t);
  }
}

export interface ScriptCounts {
  simplified: number;
  traditional: number;
}

/** Counts script-specific characters in `text`. */
export function countChineseScript(text: string): ScriptCounts {
  let simplified = 0;
  let traditional = 0;
  for (const ch of text) {
    if (SIMPLIFIED.has(ch)) simplified++;
    else if (TRADITIONAL.has(ch)) traditional++;
  }
  return { simplified, traditional };
}
