import { fenToYuan } from '../bill.js';

/**
 * The sandbox cashier (收银台): H5 has no WeChat Pay, so the browser comes here with the prepay_id
 * and a return URL, and a person (or Playwright) confirms or cancels. Chinese, like the real
 * payment sheet; every value is escaped.
 */

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f2f2;color:#111}
main{max-width:420px;margin:0 auto;padding:32px 20px;text-align:center}
.tag{display:inline-block;font-size:12px;color:#fff;background:#fa9d3b;border-radius:4px;padding:2px 6px}
.merchant{font-size:17px;margin:16px 0 4px}
.desc{font-size:14px;color:#666}
.amount{font-size:40px;font-weight:600;margin:24px 0}
.status{font-size:20px;margin:32px 0}
button,a.button{display:block;width:100%;box-sizing:border-box;border:0;border-radius:8px;padding:14px;font-size:17px;margin-top:12px;text-decoration:none}
.confirm{background:#07c160;color:#fff}
.cancel{background:#fff;color:#111}
</style>
</head>
<body><main>
<span class="tag">沙箱 · 不会真实扣款</span>
${body}
</main></body>
</html>`;
}

/** The payment sheet of an unpaid order. */
export function cashierPage(input: { merchantName: string; description: string; amount: number; prepayId: string; returnUrl: string }): string {
  const hidden = `<input type="hidden" name="prepay_id" value="${escape(input.prepayId)}"><input type="hidden" name="return_url" value="${escape(input.returnUrl)}">`;
  return page(
    '微信支付（沙箱）',
    `<p class="merchant" data-testid="sandbox-pay-merchant">${escape(input.merchantName)}</p>
<p class="desc">${escape(input.description)}</p>
<p class="amount" data-testid="sandbox-pay-amount">¥${fenToYuan(input.amount)}</p>
<form method="post" action="/cashier/confirm">${hidden}<button type="submit" class="confirm" data-testid="sandbox-pay-confirm">确认支付</button></form>
<form method="post" action="/cashier/cancel">${hidden}<button type="submit" class="cancel" data-testid="sandbox-pay-cancel">取消</button></form>`,
  );
}

/** A final page: expired, closed, unknown, already paid. */
export function cashierMessagePage(message: string, returnUrl?: string): string {
  const back = returnUrl ? `<a class="button cancel" href="${escape(returnUrl)}" data-testid="sandbox-pay-back">返回商户</a>` : '';
  return page('微信支付（沙箱）', `<p class="status" data-testid="sandbox-pay-status">${escape(message)}</p>${back}`);
}
