namespace PointsEngine.Api.Workflows;

/// The "Notices" configuration section.
public sealed class NoticeSettings
{
    public const string Section = "Notices";

    /// The objection window when a notice does not state its end: this many days after publication
    /// (公示期 is usually 5 working days; a week covers it).
    public int WindowDays { get; set; } = 7;
}
