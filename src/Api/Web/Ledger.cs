using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Web;

/// How an evidence line reads in a ledger: the change in points it made, and what kind of change. The words come
/// from the line's one explanation (<see cref="EvidenceLine.Explained"/>, #21); these forward to it.
public static class Ledger
{
    /// The line's effect on the total: the points granted now less what the line granted before.
    public static decimal Delta(EvidenceLine line) => line.Granted - (line.PreviousGranted ?? 0m);

    public static string ChangeName(string change) => change switch
    {
        "awarded" => "记分",
        "corrected" => "更正",
        "reverted" => "撤销",
        LineExplanations.Noted => "记录",
        _ => change,
    };

    /// Who recorded the fact, by name; a line with no fact of its own (the base score, a full-attendance bonus) is
    /// the rule engine's.
    public static string Recorder(EvidenceLine line) => line.Explained.Recorder;

    /// The rule's own name and what happened.
    public static string What(EvidenceLine line) => line.Explained.Short;
}
