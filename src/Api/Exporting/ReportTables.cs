using PointsEngine.Api.Spreadsheets;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Exporting;

/// The read models as tables with Chinese headers: what `export` and `appraisal` write. Points are numbers,
/// dates yyyy-MM-dd, enums in Chinese; every evidence line carries its fact id, rule and recorder.
public static class ReportTables
{
    public static readonly IReadOnlyList<string> RankingHeaders = ["名次", "党员编号", "姓名", "支部", "党小组", "身份", "类别", "积分"];

    public static OutputSheet Rankings(string name, IReadOnlyList<RankingRow> rows) => new(name, RankingHeaders,
        [.. rows.Select(r => (IReadOnlyList<object?>)[r.Rank, r.Member.Value, r.Name, r.Branch.Value, r.Group?.Value, ChineseNames.Of(r.Status), ChineseNames.Of(r.Category), r.Points])]);

    public static OutputSheet Standings(string name, IReadOnlyList<MemberStanding> standings)
    {
        var categories = standings.SelectMany(s => s.ByCategory).Select(c => (c.Category, c.Name)).Distinct().OrderBy(c => c.Category, StringComparer.Ordinal).ToList();
        List<string> headers = ["党员编号", "姓名", "支部", "党小组", "身份", "类别", "总分", .. categories.Select(c => c.Name), "支部排名", "党小组排名"];
        return new OutputSheet(name, headers, [.. standings.Select(s => (IReadOnlyList<object?>)
        [
            s.Member.Value, s.Name, s.Branch?.Value, s.Group?.Value, s.Status is { } st ? ChineseNames.Of(st) : null,
            s.Category is { } c ? ChineseNames.Of(c) : null, s.Total,
            .. categories.Select(c => (object?)(s.ByCategory.FirstOrDefault(x => x.Category == c.Category)?.Points ?? 0m)),
            s.InBranch is { } b ? $"{b.Rank}/{b.Of}" : null, s.InGroup is { } g ? $"{g.Rank}/{g.Of}" : null,
        ])]);
    }

    public static readonly IReadOnlyList<string> EvidenceHeaders =
    [
        "日期", "变动", "类别", "规则", "规则版本", "原规则版本", "规则分", "实得分", "原得分", "封顶说明", "原因",
        "事实编号", "事实类型", "事实日期", "摘要", "标题", "记录人", "记录时间", "评定人", "撤销",
    ];

    public static IReadOnlyList<object?> EvidenceCells(EvidenceLine l) =>
    [
        l.OccurredOn, Change(l.Change), l.CategoryName, l.Rule.Value, l.Version.Value, l.PreviousVersion?.Value, l.Requested, l.Granted,
        l.PreviousGranted, l.CapNote, l.Cause, l.Fact?.FactId.Value, l.Fact?.Kind, l.Fact?.OccurredOn, l.Fact?.Summary, l.Fact?.Title,
        l.Fact?.RecordedBy, l.Fact?.RecordedAt, l.Fact?.AssessedBy,
        l.Fact is { Revocations.Count: > 0 } f ? string.Join("；", f.Revocations.Select(r => $"{r.OccurredOn:yyyy-MM-dd} {r.Reason}（{r.RecordedBy}，{r.Revocation}）")) : null,
    ];

    /// Every member's lines in one table (export evidence).
    public static OutputSheet Evidence(string name, IEnumerable<MemberEvidence> members) => new(name, ["党员编号", "姓名", "支部", .. EvidenceHeaders],
        [.. members.SelectMany(m => m.Lines.Select(l => (IReadOnlyList<object?>)[m.Member.Value, m.Name, m.Branch?.Value, .. EvidenceCells(l)]))]);

    public static string Change(string change) => change switch
    {
        "awarded" => "计分 awarded",
        "corrected" => "更正 corrected",
        "reverted" => "撤销 reverted",
        _ => change,
    };
}
