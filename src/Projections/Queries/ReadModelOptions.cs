using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

public sealed record ReadModelOptions
{
    /// 三会一课: how many meetings of each kind a branch must hold per period. The usual rule: branch
    /// committee and party-group meeting monthly, general meeting and party lecture quarterly, a theme
    /// party day monthly, the organisation-life meeting once a year.
    public IReadOnlyList<MeetingCadence> Cadence { get; init; } =
    [
        new(MeetingKind.BranchCommittee, PeriodKind.Month, 1),
        new(MeetingKind.PartyGroupMeeting, PeriodKind.Month, 1),
        new(MeetingKind.ThemePartyDay, PeriodKind.Month, 1),
        new(MeetingKind.GeneralMeeting, PeriodKind.Quarter, 1),
        new(MeetingKind.PartyLecture, PeriodKind.Quarter, 1),
        new(MeetingKind.OrganisationLifeMeeting, PeriodKind.Year, 1),
    ];

    public WarningThresholds Warnings { get; init; } = new();
}

public sealed record MeetingCadence(MeetingKind Kind, PeriodKind Every, int AtLeast);

/// 网上预警: when a member or a branch is flagged.
public sealed record WarningThresholds
{
    /// A member with no attendance (present or late) for this many months.
    public int MonthsWithoutAttendance { get; init; } = 3;

    /// A member with this many unexcused absences in the year so far.
    public int UnexcusedAbsences { get; init; } = 3;
}
