using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Web;

/// How an evidence line reads in a ledger: the change in points it made, and what kind of change.
public static class Ledger
{
    /// The line's effect on the total: the points granted now less what the line granted before.
    public static decimal Delta(EvidenceLine line) => line.Granted - (line.PreviousGranted ?? 0m);

    public static string ChangeName(string change) => change switch
    {
        "awarded" => "记分",
        "corrected" => "更正",
        "reverted" => "撤销",
        _ => change,
    };

    /// Who recorded the fact; a line with no fact of its own (the base score, a full-attendance bonus) is
    /// the rule engine's, by the rule it names.
    public static string Recorder(EvidenceLine line) => line.Fact?.RecordedBy ?? "系统按规则计算 rule engine";

    public static string What(EvidenceLine line) => line.Fact?.Summary ?? $"{line.CategoryName}（{line.Rule}）";
}
