using PointsEngine.Domain.Values;
using static PointsEngine.Engine.Tests.Rules.Fixtures;

namespace PointsEngine.Engine.Tests.Rules;

// The real schemes from issue 3, each a small JSON fixture that must load and score as the scheme says.

public sealed class when_meetings_score_5_each_with_yearly_caps_per_kind
{
    private readonly PointsEngine.Domain.Rules.RuleSet _scheme = Load("meetings-yearly-caps.json");

    [Fact]
    public void five_general_meetings_earn_the_cap_of_20()
    {
        var state = Score(_scheme, [.. Enumerable.Range(1, 5).Select(m => Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Present, $"2025-{m:00}-10"))]);
        Assert.Equal(20m, state.TotalIn(2025).Value);
    }

    [Fact]
    public void only_the_first_party_lecture_counts_and_committee_meetings_count_to_60()
    {
        var facts = Enumerable.Range(1, 3).Select(m => Meeting(MeetingKind.PartyLecture, AttendanceStatus.Present, $"2025-{m:00}-05"))
            .Concat(Enumerable.Range(1, 12).Select(m => Meeting(MeetingKind.BranchCommittee, AttendanceStatus.Present, $"2025-{m:00}-15")))
            .Concat(Enumerable.Range(1, 2).Select(m => Meeting(MeetingKind.BranchCommittee, AttendanceStatus.Present, $"2025-12-{20 + m}")))
            .ToArray();
        var state = Score(_scheme, facts);
        Assert.Equal(5m, state.TotalIn(2025, "attendance").Value - 60m);
        var lectures = state.LinesIn(2025).Where(l => l.Rule.Value == "party-lecture").ToList();
        Assert.Equal([5m, 0m, 0m], lectures.Select(l => l.Granted.Value));
        Assert.NotNull(lectures[1].CapNote);
    }
}

public sealed class when_three_meetings_and_one_lecture_score_3_each_up_to_12
{
    [Fact]
    public void the_fifth_meeting_of_the_year_earns_nothing()
    {
        var scheme = Load("three-meetings-one-lecture.json");
        var state = Score(scheme,
            Meeting(MeetingKind.BranchCommittee, AttendanceStatus.Present, "2025-01-10"),
            Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Late, "2025-02-10"),
            Meeting(MeetingKind.PartyGroupMeeting, AttendanceStatus.Present, "2025-03-10"),
            Meeting(MeetingKind.ThemePartyDay, AttendanceStatus.Present, "2025-03-20"), // not one of 三会一课
            Meeting(MeetingKind.PartyLecture, AttendanceStatus.Present, "2025-04-10"),
            Meeting(MeetingKind.PartyLecture, AttendanceStatus.Present, "2025-05-10"));
        Assert.Equal(12m, state.TotalIn(2025).Value);
        Assert.Equal([3m, 3m, 3m, 3m, 0m], state.LinesIn(2025).Select(l => l.Granted.Value));
    }
}

public sealed class when_volunteer_service_scores_1_an_hour_at_most_2_hours_an_activity
{
    [Fact]
    public void long_activities_count_two_hours_and_half_hours_round_down()
    {
        var scheme = Load("volunteer-two-hours.json");
        var state = Score(scheme, Volunteer(5m, "2025-03-01"), Volunteer(1.5m, "2025-04-01"), Volunteer(0.75m, "2025-05-01"));
        // 5 h → 2 points; 1.5 h → 1.5; 0.75 h → 0.5 (half-point steps, rounded down)
        Assert.Equal([2m, 1.5m, 0.5m], state.LinesIn(2025).Select(l => l.Granted.Value));
        Assert.Equal(4m, state.TotalIn(2025).Value);
    }
}

public sealed class when_the_base_is_60_bonuses_are_uncapped_and_the_total_never_falls_below_0
{
    private readonly PointsEngine.Domain.Rules.RuleSet _scheme = Load("base-60-floor-0.json");

    [Fact]
    public void bonuses_are_not_capped()
    {
        var state = Score(_scheme, [.. Enumerable.Range(1, 30).Select(d => Meeting(MeetingKind.PartyGroupMeeting, AttendanceStatus.Present, $"2025-03-{d:00}"))]);
        Assert.Equal(60m + 150m, state.TotalIn(2025).Value);
    }

    [Fact]
    public void deductions_stop_at_zero_and_later_points_count_again()
    {
        var state = Score(_scheme,
            Adjustment(-50, "2025-02-01"),
            Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Absent, "2025-03-01"),
            Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Absent, "2025-04-01"),
            Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Present, "2025-05-01"));
        // 60 − 50 = 10; −5 → 5; −5 → 0 (floor); +5 → 5
        Assert.Equal([60m, -50m, -5m, -5m, 5m], state.LinesIn(2025).Select(l => l.Granted.Value));
        Assert.Equal(5m, state.TotalIn(2025).Value);
    }

    [Fact]
    public void each_year_starts_again_from_the_base()
    {
        var state = Score(_scheme, Adjustment(-80, "2025-06-01"), Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Present, "2026-01-10"));
        Assert.Equal(0m, state.TotalIn(2025).Value);
        Assert.Equal(65m, state.TotalIn(2026).Value);
    }
}
