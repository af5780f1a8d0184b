// The texts the stand-in's errors carry, in the login's language (the token's AD_Language claim). Model rules and
// document actions write "@Key@" tokens as core does (m_processMsg = "@NoLines@"); the REST layer renders them
// with Msg.parseTranslation: each @Key@ becomes the AD_Message (or AD_Element) text, unknown keys keep their name.
//
// en_US texts are iDempiere's own (AD_Message FailedProcessingDocument 200489 "Failed when processing document",
// NoLines 881 "No Document Lines found", ...). The zh_TW texts are the stand-in's own, written the way iDempiere's
// Traditional Chinese translations read: the AD_Message zh_TW translations are not in the public sources, so a
// real zh_TW server may word them differently (docs/idempiere.md, "Error classes").

type Texts = Record<string, string>;

const EN_US: Texts = {
  FailedProcessingDocument: 'Failed when processing document',
  ValidationError: 'Validation Error',
  NoLines: 'No Document Lines found',
  ProductNotOnPriceList: 'Product is not on PriceList',
  FillMandatory: 'Fill mandatory fields:',
  ParentComplete: 'Parent Document is complete',
  M_Shipper_ID: 'Shipper',
  Shipped: 'Shipped',
  QtyDelivered: 'Delivered Quantity',
};

const ZH_TW: Texts = {
  FailedProcessingDocument: '處理文件時失敗',
  ValidationError: '驗證錯誤',
  NoLines: '找不到文件明細',
  ProductNotOnPriceList: '產品不在價格表中',
  FillMandatory: '請填寫必填欄位:',
  ParentComplete: '上層文件已完成',
  M_Shipper_ID: '貨運商',
  Shipped: '已出貨',
  QtyDelivered: '已交貨數量',
};

const BY_LANGUAGE: Record<string, Texts> = { en_US: EN_US, zh_TW: ZH_TW };

/** Msg.getMsg: the text of one message key in `language` (en_US when the language has none). */
export function getMsg(language: string, key: string): string {
  return BY_LANGUAGE[language]?.[key] ?? EN_US[key] ?? key;
}

/** Msg.parseTranslation: every @Key@ in `text` replaced by its text in `language`. */
export function parseTranslation(language: string, text: string): string {
  return text.replace(/@([A-Za-z_][A-Za-z0-9_]*)@/g, (_, key: string) => getMsg(language, key));
}
