using PointsEngine.Api.Spreadsheets;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Exporting;

/// 年终考核工作簿 laid out to be printed and signed (#21): the summary (汇总: title, one row per member, counts by grade,
/// the signature block; A4 landscape, one page wide, header row repeated) and one sheet per member (the ledger in plain
/// words with subtotals by category; A4 portrait). Internal ids — member, fact and award ids, rules and versions — are
/// only in the hidden 追溯 sheet for auditors.
public static class AppraisalWorkbook
{
    public const string SummarySheet = "汇总";
    public const string TraceSheet = "追溯";
    public const string TotalLabel = "合计";

    public static IReadOnlyList<OutputSheet> Build(BranchEvidence report, DateOnly printedOn)
    {
        var doc = AppraisalDocument.Of(report, printedOn);
        var columns = doc.Headers.Count;
        var rows = new List<IReadOnlyList<object?>>(doc.Rows) { Blank(columns) };
        rows.AddRange(doc.Counts.Select(c => Line(columns, c)));
        rows.Add(Blank(columns));
        rows.AddRange(AppraisalDocument.Signatures.Select(s => Line(columns, s)));
        // Rank, name, status, category, the categories' totals, total, grade, vanguard: narrow; the reason wraps.
        double[] widths = [6, 10, 9, 9, .. Enumerable.Repeat(8.0, columns - 8), 8, 8, 8, 48];
        var summary = new OutputSheet(SummarySheet, doc.Headers, rows)
        {
            Print = new PrintLayout([doc.Title, doc.Subtitle], widths, new HashSet<int> { doc.ReasonColumn, 1 }, Landscape: true),
        };
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SummarySheet, TraceSheet };
        var sheets = new List<OutputSheet> { summary };
        sheets.AddRange(doc.Members.Select(m => Ledger(Spreadsheets.XlsxFile.UniqueName(m.Title.Split(' ')[0], taken), m)));
        sheets.Add(ReportTables.Evidence(TraceSheet, report.Ranked().Select(x => x.Member)) with { Hidden = true });
        return sheets;
    }

    private static OutputSheet Ledger(string name, MemberLedger m)
    {
        var headers = AppraisalDocument.LedgerHeaders;
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var g in m.Groups)
        {
            rows.AddRange(g.Lines);
            rows.Add([null, $"小计 {g.Category}", null, g.Subtotal, null]);
        }
        rows.Add([null, TotalLabel, null, m.Total, null]);
        rows.AddRange(m.Reasons.Select(r => Line(headers.Count, r, column: 1)));
        return new OutputSheet(name, headers, rows)
        {
            Print = new PrintLayout([m.Title, m.Subtitle], [11, 52, 7, 7, 16], new HashSet<int> { 1, 4 }, Landscape: false),
        };
    }

    private static IReadOnlyList<object?> Blank(int columns) => new object?[columns];

    private static IReadOnlyList<object?> Line(int columns, string text, int column = 0)
    {
        var cells = new object?[columns];
        cells[column] = text;
        return cells;
    }
}
