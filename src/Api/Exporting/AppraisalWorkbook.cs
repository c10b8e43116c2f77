using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Exporting;

/// 年终考核工作簿: a summary sheet (ranking, grades, vanguard posts, the reasons) and one ledger sheet per
/// member (台账) whose every line names its fact, rule and recorder, closed by the totals the summary shows.
public static class AppraisalWorkbook
{
    public const string SummarySheet = "汇总";
    public const string TotalLabel = "合计 total";

    public static IReadOnlyList<OutputSheet> Build(BranchEvidence report)
    {
        var ranked = report.Ranked();
        var members = ranked.Select(r => r.Member).ToList();
        var categories = members.SelectMany(m => m.ByCategory).Select(c => (c.Category, c.Name)).Distinct().OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { SummarySheet };
        var sheetNames = members.ToDictionary(m => m.Member, m => XlsxFile.UniqueName($"{m.Member.Value} {m.Name}", taken));

        List<string> headers =
        [
            "名次", "党员编号", "姓名", "身份", "类别", "总分", .. categories.Select(c => c.Name),
            "应参会", "出勤", "请假", "迟到", "无故缺席", "考核得分", "等次", "先锋岗", "评议依据", "台账工作表",
        ];
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var (rank, m) in ranked)
        {
            var s = m.Standing;
            rows.Add(
            [
                rank, m.Member.Value, m.Name, ChineseNames.Of(s.Status), ChineseNames.Of(s.Category), m.Total,
                .. categories.Select(c => (object?)(m.ByCategory.FirstOrDefault(x => x.Category == c.Category)?.Points ?? 0m)),
                s.MeetingsListed, s.MeetingsAttended, s.Excused, s.Late, s.UnexcusedAbsences,
                m.Appraisal?.FinalScore, m.Appraisal?.GradeName, m.Appraisal is { Vanguard: true } ? "是" : "否",
                m.Appraisal is null ? "未配置考核方案 / no appraisal scheme in the rule set" : m.Appraisal.ReasonText,
                sheetNames[m.Member],
            ]);
        }
        var sheets = new List<OutputSheet> { new(SummarySheet, headers, rows) };
        foreach (var m in members) sheets.Add(Ledger(sheetNames[m.Member], m));
        return sheets;
    }

    private static OutputSheet Ledger(string name, MemberEvidence m)
    {
        var rows = m.Lines.Select(ReportTables.EvidenceCells).ToList();
        var granted = ReportTables.EvidenceHeaders.ToList().IndexOf("实得分");
        foreach (var c in m.ByCategory) rows.Add(Summary(granted, $"小计 {c.Name}", c.Points));
        rows.Add(Summary(granted, TotalLabel, m.Total));
        return new OutputSheet(name, ReportTables.EvidenceHeaders, rows);
    }

    private static IReadOnlyList<object?> Summary(int column, string label, decimal points)
    {
        var cells = new object?[ReportTables.EvidenceHeaders.Count];
        cells[1] = label;
        cells[column] = points;
        return cells;
    }
}
