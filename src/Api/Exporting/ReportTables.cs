using PointsEngine.Api.Spreadsheets;
using PointsEngine.Api.Web;
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

    /// A member's lines as a reader reads them (#21): each line's one explanation, the change and the points, the recorder
    /// by name; the ids only in the last column, 追溯.
    public static readonly IReadOnlyList<string> EvidenceHeaders =
        ["日期", "变动", "类别", "规则", "事项", "说明", "积分变动", "实得分", "记录人", "追溯"];

    public static IReadOnlyList<object?> EvidenceCells(EvidenceLine l)
    {
        var x = l.Explained;
        return [l.OccurredOn, Ledger.ChangeName(l.Change), l.CategoryName, x.Rule, x.Happened, string.Join("；", x.Details), Ledger.Delta(l), l.Granted,
            x.Recorder, x.Trace];
    }

    /// Every member's lines in one table (export evidence).
    public static OutputSheet Evidence(string name, IEnumerable<MemberEvidence> members) => new(name, ["党员编号", "姓名", "支部", .. EvidenceHeaders],
        [.. members.SelectMany(m => m.Lines.Select(l => (IReadOnlyList<object?>)[m.Member.Value, m.Name, m.Branch?.Value, .. EvidenceCells(l)]))]);
}
