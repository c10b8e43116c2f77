using System.Net;
using System.Text;
using PointsEngine.Api.Spreadsheets;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Exporting;

/// The printable documents as self-contained HTML (#21): the year-end summary with one page per member, and the
/// 公示 sheet. The same HTML is the printable page a browser shows and what PdfPrinter turns into a PDF, so paper and
/// screen cannot drift apart. A4 pages through CSS: the summary landscape with its header row repeated on every page,
/// each member's ledger on a portrait page of its own.
public static class PrintDocuments
{
    private const string Style = """
        @page { size: A4 landscape; margin: 10mm 10mm 12mm; }
        @page ledger { size: A4 portrait; margin: 10mm 10mm 12mm; }
        @page notice { size: A4 portrait; margin: 15mm; }
        * { box-sizing: border-box; }
        .fit { width: var(--page-width); }
        body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif;
               font-size: 9pt; color: #000; margin: 0; padding: 4mm; }
        h1 { font-size: 15pt; text-align: center; margin: 0 0 1mm; }
        h2 { font-size: 12pt; margin: 0 0 1mm; }
        .sub { text-align: center; font-size: 8pt; margin: 0 0 2mm; }
        table { border-collapse: collapse; width: 100%; }
        table.summary { table-layout: fixed; }
        thead { display: table-header-group; }
        th, td { border: 0.5pt solid #444; padding: 0.4mm 1mm; vertical-align: top; overflow-wrap: anywhere; }
        th { background: #eee; font-weight: bold; }
        tr { break-inside: avoid; }
        .num { text-align: right; white-space: nowrap; }
        td.reason { font-size: 7pt; }
        .counts p { margin: 1mm 0; }
        .signatures { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 2mm 16mm; margin-top: 3mm; break-inside: avoid; }
        .signatures div { min-width: 55mm; padding-bottom: 4mm; }
        .seal { width: 28mm; height: 28mm; border: 0.5pt dashed #888; text-align: center; padding-top: 11mm; color: #666; }
        section.member { page: ledger; break-before: page; }
        section.member table { font-size: 7.5pt; line-height: 1.25; table-layout: fixed; }
        section.member td, section.member th { padding: 0 1mm; }
        tr.subtotal td { font-weight: bold; background: #f6f6f6; }
        ul.reasons { margin: 1mm 0 0; padding-left: 5mm; font-size: 7.5pt; }
        .notice { page: notice; }
        .notice p { font-size: 11pt; line-height: 1.6; }
        @media screen and (max-width: 600px) {
            body { padding: 8px; font-size: 14px; }
            h1 { font-size: 20px; }
            th, td { padding: 4px; }
        }
        """;

    // Scales a block down (CSS zoom, never below 55 %) until it fits its number of pages, as a spreadsheet's "fit to
    // page" does: the summary into 2 landscape pages, each member's ledger into one portrait page. It runs before
    // Chromium prints; a browser showing the page runs it too (the page is then what the paper shows).
    private const string FitScript = """
        document.querySelectorAll('.fit').forEach(function (block) {
            var mm = 96 / 25.4, width = parseFloat(block.dataset.width), height = parseFloat(block.dataset.height) * parseInt(block.dataset.pages, 10);
            var natural = block.getBoundingClientRect().height;
            if (natural <= height * mm) return;
            var zoom = Math.max(0.55, height * mm / natural);
            block.style.zoom = zoom;
            block.style.setProperty('--page-width', (width / zoom) + 'mm');
            for (var i = 0; i < 4 && block.getBoundingClientRect().height * zoom > height * mm && zoom > 0.55; i++) {
                zoom = Math.max(0.55, zoom * 0.95);
                block.style.zoom = zoom;
                block.style.setProperty('--page-width', (width / zoom) + 'mm');
            }
        });
        """;

    /// The committee's summary (≤ 2 landscape pages for a branch of 30) then one page per member.
    public static string Appraisal(AppraisalDocument doc)
    {
        var html = Open(doc.Title);
        // A4 less the margins; the summary's pages lose a little more to the repeated header row.
        html.Append("<div class=\"fit\" style=\"--page-width:277mm\" data-width=\"277\" data-height=\"168\" data-pages=\"2\">");
        html.Append("<h1>").Append(E(doc.Title)).Append("</h1><p class=\"sub\">").Append(E(doc.Subtitle)).Append("</p>");
        html.Append("<table class=\"summary\"><colgroup>");
        for (var c = 0; c < doc.Headers.Count; c++)
            html.Append("<col style=\"width:").Append(c == doc.ReasonColumn ? "auto" : c is 1 ? "5.5em" : c is 2 or 3 ? "4.5em" : "3.6em").Append("\">");
        html.Append("</colgroup><thead><tr>");
        for (var c = 0; c < doc.Headers.Count; c++) html.Append("<th>").Append(E(doc.Headers[c])).Append("</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var row in doc.Rows) AppendRow(html, row, doc.ReasonColumn);
        html.Append("</tbody></table><div class=\"counts\">");
        foreach (var line in doc.Counts) html.Append("<p>").Append(E(line)).Append("</p>");
        html.Append("</div><div class=\"signatures\">");
        foreach (var s in AppraisalDocument.Signatures.SkipLast(1)) html.Append("<div>").Append(E(s)).Append("</div>");
        html.Append("<div class=\"seal\">").Append(E(AppraisalDocument.Signatures[^1])).Append("</div></div></div>");

        foreach (var m in doc.Members)
        {
            html.Append("<section class=\"member\"><div class=\"fit\" style=\"--page-width:190mm\" data-width=\"190\" data-height=\"262\" data-pages=\"1\">");
            html.Append("<h2>").Append(E(m.Title)).Append("</h2><p>").Append(E(m.Subtitle)).Append("</p>");
            html.Append("<table><colgroup><col style=\"width:6.5em\"><col><col style=\"width:3em\"><col style=\"width:3.5em\"><col style=\"width:15em\"></colgroup><thead><tr>");
            foreach (var h in AppraisalDocument.LedgerHeaders) html.Append("<th>").Append(E(h)).Append("</th>");
            html.Append("</tr></thead><tbody>");
            foreach (var g in m.Groups)
            {
                foreach (var line in g.Lines) AppendRow(html, line, reasonColumn: -1);
                html.Append("<tr class=\"subtotal\"><td></td><td>小计 ").Append(E(g.Category)).Append("</td><td></td><td class=\"num\">")
                    .Append(E(Spreadsheet.Text(g.Subtotal))).Append("</td><td></td></tr>");
            }
            html.Append("<tr class=\"subtotal\"><td></td><td>").Append(E(AppraisalWorkbook.TotalLabel)).Append("</td><td></td><td class=\"num\">")
                .Append(E(Spreadsheet.Text(m.Total))).Append("</td><td></td></tr></tbody></table>");
            if (m.Reasons.Count > 0)
            {
                html.Append("<ul class=\"reasons\">");
                foreach (var r in m.Reasons) html.Append("<li>").Append(E(r)).Append("</li>");
                html.Append("</ul>");
            }
            html.Append("</div></section>");
        }
        html.Append("<script>").Append(FitScript).Append("</script>");
        return Close(html);
    }

    /// 公示: the branch's ranking for the period, the objection window and how to object, to be posted.
    public static string Notice(string branch, NoticeView notice)
    {
        var final = notice.Final is not null;
        var lines = final && notice.FinalLines.Count > 0 ? notice.FinalLines : notice.Lines;
        var title = $"{branch} {notice.Period} 党员积分{(final ? "结果" : "公示")}";
        var html = Open(title);
        html.Append("<div class=\"notice\"><h1>").Append(E(title)).Append("</h1>");
        html.Append("<p class=\"sub\">公示期间 ").Append(E($"{notice.From:yyyy-MM-dd} 至 {notice.To:yyyy-MM-dd}"))
            .Append(" · 发布日期 ").Append(E($"{notice.PublishedOn:yyyy-MM-dd}")).Append("</p>");
        var grades = lines.Any(l => l.GradeName is not null);
        html.Append("<table><thead><tr><th>名次</th><th>姓名</th><th>积分</th>").Append(grades ? "<th>等次</th>" : "").Append("</tr></thead><tbody>");
        foreach (var l in lines)
        {
            html.Append("<tr><td class=\"num\">").Append(l.Rank).Append("</td><td>").Append(E(l.Name ?? "—")).Append("</td><td class=\"num\">")
                .Append(E(Spreadsheet.Text(l.Total))).Append("</td>");
            if (grades) html.Append("<td>").Append(E(l.GradeName ?? "—")).Append("</td>");
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        html.Append(final
            ? $"<p>公示期已于 {notice.ObjectionsCloseOn:yyyy-MM-dd} 结束，结果已于 {notice.FinalOn:yyyy-MM-dd} 确定。</p>"
            : $"<p>异议期：{notice.PublishedOn:yyyy-MM-dd} 至 <strong>{notice.ObjectionsCloseOn:yyyy-MM-dd}</strong>（含当日）。</p>"
              + "<p>如对本人或他人的积分、名次有异议，请在异议截止日期前登录积分系统，在“公示”中对本期提出异议并写明理由；"
              + "也可向支部书记书面提出。支部将逐条答复，异议成立的予以更正。</p>");
        html.Append("<div class=\"signatures\"><div>").Append(E(branch)).Append("</div><div>")
            .Append(E($"{notice.PublishedOn:yyyy 年 M 月 d 日}")).Append("</div></div></div>");
        return Close(html);
    }

    private static void AppendRow(StringBuilder html, IReadOnlyList<object?> row, int reasonColumn)
    {
        html.Append("<tr>");
        for (var c = 0; c < row.Count; c++)
        {
            var cls = c == reasonColumn ? " class=\"reason\"" : row[c] is decimal or int ? " class=\"num\"" : "";
            html.Append("<td").Append(cls).Append('>').Append(E(Spreadsheet.Text(row[c]))).Append("</td>");
        }
        html.Append("</tr>");
    }

    private static StringBuilder Open(string title) => new StringBuilder("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").Append(E(title)).Append("</title><style>")
        .Append(Style).Append("</style></head><body>");

    private static string Close(StringBuilder html) => html.Append("</body></html>").ToString();

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
