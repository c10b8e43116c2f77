using System.Globalization;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Exporting;

/// What the year-end documents a committee signs hold (#21), once, for the workbook (AppraisalWorkbook) and the
/// PDF (PrintDocuments): the summary — one row per member with the columns a committee reads, the counts by grade
/// and the signature block — and one ledger per member in plain words with subtotals by category. No internal id
/// appears here; those go only to the workbook's hidden 追溯 sheet.
public sealed record AppraisalDocument(
    string Title,
    string Subtitle,
    IReadOnlyList<string> Headers,
    IReadOnlyList<IReadOnlyList<object?>> Rows,
    IReadOnlyList<string> Counts,
    IReadOnlyList<MemberLedger> Members)
{
    /// The reason column's index in Headers (wrapped; the widest column).
    public int ReasonColumn => Headers.Count - 1;

    public static readonly IReadOnlyList<string> Signatures =
        ["支部书记（签字）：", "考核小组（签字）：", "日期：　　　　年　　月　　日", "（支部盖章）"];

    public static readonly IReadOnlyList<string> LedgerHeaders = ["日期", "事项", "变动", "得分", "记录人"];

    public static AppraisalDocument Of(BranchEvidence report, DateOnly printedOn)
    {
        var ranked = report.Ranked();
        var categories = ranked.SelectMany(r => r.Member.ByCategory).Select(c => (c.Category, c.Name)).Distinct()
            .OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
        var branch = report.Name ?? report.Branch.Value;
        List<string> headers = ["名次", "姓名", "身份", "类别", .. categories.Select(c => ChineseOnly(c.Name)), "总分", "等次", "先锋示范岗", "评定理由"];
        var rows = ranked.Select(x => (IReadOnlyList<object?>)
        [
            x.Rank, NameOf(x.Member), ChineseNames.Of(x.Member.Standing.Status), ChineseNames.Of(x.Member.Standing.Category),
            .. categories.Select(c => (object?)(x.Member.ByCategory.FirstOrDefault(b => b.Category == c.Category)?.Points ?? 0m)),
            x.Member.Total, x.Member.Appraisal?.GradeName ?? "—", x.Member.Appraisal is { Vanguard: true } ? "是" : "否", ShortReason(x.Member.Appraisal),
        ]).ToList();
        var byGrade = ranked.GroupBy(x => x.Member.Appraisal?.GradeName ?? "未评定").Select(g => $"{g.Key} {g.Count()} 人");
        var vanguards = ranked.Count(x => x.Member.Appraisal is { Vanguard: true });
        List<string> counts =
        [
            $"参加考核 {ranked.Count} 人；" + string.Join("，", byGrade) + $"；先锋示范岗 {vanguards} 人。",
            $"积分合计 {Num(ranked.Sum(x => x.Member.Total))}，平均 {(ranked.Count == 0 ? "—" : Num(decimal.Round(ranked.Average(x => x.Member.Total), 1)))}。",
        ];
        return new AppraisalDocument(
            $"{branch} {report.Year} 年度党员积分考核结果",
            $"积分规则版本 {report.RuleSetVersion ?? "—"} · 打印日期 {printedOn:yyyy-MM-dd}",
            headers, rows, counts,
            [.. ranked.Select(x => MemberLedger.Of(x.Rank, x.Member, branch))]);
    }

    /// The summary's short reason: what decided the grade (vetoes, unmet conditions, the band reached). The final
    /// score line and the vanguard verdict stand in their own columns; the member's page prints every reason.
    public static string ShortReason(Domain.Appraisal.AppraisalResult? appraisal)
    {
        if (appraisal is null) return "未配置考核方案";
        var grading = appraisal.Reasons.Skip(1)
            .Where(r => !r.StartsWith("先锋示范岗", StringComparison.Ordinal) && !r.StartsWith("非先锋示范岗", StringComparison.Ordinal)).ToList();
        return string.Join("；", grading.Count > 0 ? grading : appraisal.Reasons);
    }

    // A category's printed heading: its Chinese name (「组织生活 / organisation life」 prints 组织生活).
    private static string ChineseOnly(string name) => name.Split(" / ")[0];

    public static string NameOf(MemberEvidence m) => m.Name ?? m.Member.Value;

    public static string Num(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// One member's page: the ledger's lines grouped by category, each group closed by its subtotal, then the total,
/// the grade and every reason.
public sealed record MemberLedger(string Title, string Subtitle, IReadOnlyList<LedgerGroup> Groups, decimal Total, IReadOnlyList<string> Reasons)
{
    public static MemberLedger Of(int rank, MemberEvidence m, string branch)
    {
        var groups = m.Lines.GroupBy(l => (l.Category, l.CategoryName)).OrderBy(g => g.Key.Category, StringComparer.Ordinal)
            .Select(g => new LedgerGroup(g.Key.CategoryName,
                [.. g.OrderBy(l => l.OccurredOn).Select(l => (IReadOnlyList<object?>)[l.OccurredOn, l.Explained.Text, Ledger.ChangeName(l.Change), Ledger.Delta(l), Ledger.Recorder(l)])],
                m.ByCategory.FirstOrDefault(c => c.Category == g.Key.Category)?.Points ?? g.Sum(Ledger.Delta)))
            .ToList();
        var a = m.Appraisal;
        return new MemberLedger(
            $"{AppraisalDocument.NameOf(m)} · {m.Year} 年度积分台账",
            $"{branch} · {ChineseNames.Of(m.Standing.Status)} · {ChineseNames.Of(m.Standing.Category)} · 名次 {rank} · 总分 {AppraisalDocument.Num(m.Total)}"
                + (a is null ? "" : $" · 等次 {a.GradeName} · 先锋示范岗 {(a.Vanguard ? "是" : "否")}"),
            groups, m.Total, a?.Reasons ?? []);
    }
}

public sealed record LedgerGroup(string Category, IReadOnlyList<IReadOnlyList<object?>> Lines, decimal Subtotal);
