using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Tests.Support;
using static PointsEngine.Projections.Tests.Examples.TwoBranchYear;

namespace PointsEngine.Projections.Tests.Examples;

/// #21 "The member's ledger hides the why": every line of a member's year reads, in words, the rule's own name, what
/// happened, what was counted, what was granted and why not more, who recorded it by name and, for a revocation or a
/// correction, the reason — one explanation (LineExplanation) that the page, the workbook, the CSV and the PDF print.
/// The two-branch year (TwoBranchYear) plus: m1's 5 hours of volunteer service (4 counted), four more 党员大会 for m1
/// (the 20-point yearly cap of 「参加党员大会 +5」 is full at the fifth), one of them revoked, which re-grants the fifth.
/// These facts are recorded by m2 (李四), so the recorder has a name.
public sealed class when_a_member_reads_why_each_line_has_its_points : IAsyncLifetime
{
    private static DateOnly D(int month, int day) => new(2025, month, day);
    private Scenario _scenario = null!;
    private MemberEvidence _m1 = null!, _m2 = null!, _m3 = null!;

    public async Task InitializeAsync()
    {
        _scenario = await Scenario.StartAsync(new SqliteBackend());
        await _scenario.RecordAsync(Facts());
        IFact[] more =
        [
            new VolunteerServiceLogged(new FactId("vol-long"), D(7, 1), M1, 5m, "防汛值守", "社区书记"),
            .. Enumerable.Range(1, 4).Select(i => new MeetingHeld(new FactId($"gm-{i}"), D(9, i), B1, null, MeetingKind.GeneralMeeting, MeetingMode.InPerson,
                $"专题学习{i}", [new(M1, AttendanceStatus.Present)])),
        ];
        await _scenario.RecordAsync(more, recordedBy: "m2");
        await _scenario.SettleAsync();
        await _scenario.RecordAsync([new FactRevoked(new FactId("gm-1-revoked"), D(9, 10), new FactId("gm-1"), "会议未召开，误登记", [M1])], recordedBy: "m2");
        await _scenario.SettleAsync();
        _m1 = (await _scenario.ReadModels.EvidenceAsync(M1, 2025))!;
        _m2 = (await _scenario.ReadModels.EvidenceAsync(M2, 2025))!;
        _m3 = (await _scenario.ReadModels.EvidenceAsync(M3, 2025))!;
    }

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    private static LineExplanation Line(MemberEvidence m, Func<EvidenceLine, bool> which) => m.Lines.Single(which).Explained;

    [Fact]
    public void the_base_score_reads_as_such_not_as_a_membership_event()
    {
        // #21 problem: the base-score line's cause read "MemberEnrolled f-…".
        var x = Line(_m1, l => l.Rule.Value == "base");
        Assert.Equal("基础分 60：2025 年度基础分，年初（或入册、规则施行时）计入；计 60 分", x.Text);
        Assert.Equal("系统按规则计算", x.Recorder);
        Assert.DoesNotContain("MemberEnrolled", x.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void a_full_attendance_bonus_reads_by_the_rules_own_name()
    {
        // #21 problem: the line read 「组织生活 / organisation life（full-attendance）」, not 「季度全勤 +2」.
        var x = Line(_m1, l => l.AwardId == "full-attendance/2025-Q1");
        Assert.Equal("季度全勤 +2：2025 年第 1 季度所列会议（党员大会、党小组会、党课、主题党日、组织生活会）均出席；计 2 分", x.Text);
    }

    [Fact]
    public void a_meeting_line_says_what_happened_and_who_recorded_it_by_name()
    {
        // #21 problem: 记录人 showed the recorder's id, not the name.
        var x = Line(_m1, l => l.Fact?.FactId.Value == "gm-2" && l.Change == "awarded");
        Assert.Equal("参加党员大会 +5：2025-09-02 党员大会（现场）：专题学习2，出席；计 5 分", x.Text);
        Assert.Equal("李四", x.Recorder);
        Assert.Contains("事实 gm-2", x.Trace, StringComparison.Ordinal);
        Assert.DoesNotContain("gm-2", x.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void the_per_activity_limit_is_shown_when_it_cut_the_hours()
    {
        // #21 problem: the per-activity limit was invisible (3 h showed as 2 requested, 2 granted, no note).
        var x = Line(_m1, l => l.Fact?.FactId.Value == "vol-long");
        Assert.Equal("志愿服务每小时 +1，每次最多 4 小时，按半小时去尾：2025-07-01 志愿服务 5 小时：防汛值守；服务 5 小时，计 4 小时 × 1 分（每次最多计 4 小时）；计 4 分",
            x.Text);
        Assert.Equal("李四（评定/核实：社区书记）", x.Recorder);
    }

    [Fact]
    public void a_line_held_back_by_a_full_cap_names_the_cap_and_what_filled_it()
    {
        // #21 problem: about half the lines read 「上限已满 … granted 0」 with internal labels.
        var x = Line(_m1, l => l.Fact?.FactId.Value == "gm-4" && l.Change == "awarded");
        Assert.Equal("参加党员大会 +5：2025-09-04 党员大会（现场）：专题学习4，出席；计 0 分（按规则应计 5 分）；未计足：「参加党员大会 +5」每年最多计 20 分，此前 4 项已计 20 分",
            x.Text);
        Assert.DoesNotContain("requested", x.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void a_revocation_gives_its_reason_and_who_revoked_it()
    {
        // #21 problem: +2 and 「（撤销）−2」 on one date with no reason.
        var x = Line(_m1, l => l.Fact?.FactId.Value == "gm-1" && l.Change == "reverted");
        Assert.Equal("参加党员大会 +5：2025-09-01 党员大会（现场）：专题学习1，出席；原计 5 分，撤销后计 0 分；撤销：会议未召开，误登记（李四，2025-09-10）", x.Text);
    }

    [Fact]
    public void an_amendment_gives_its_cause()
    {
        // The revocation freed 5 points of the cap: the line held back at 0 is corrected to 5, and says why.
        var x = Line(_m1, l => l.Fact?.FactId.Value == "gm-4" && l.Change == "corrected");
        Assert.Equal("参加党员大会 +5：2025-09-04 党员大会（现场）：专题学习4，出席；更正：原计 0 分，现计 5 分，因事项被撤销重新计算", x.Text);
    }

    [Fact]
    public void an_unexcused_absence_is_a_line_with_its_deduction()
    {
        var x = Line(_m3, l => l.Rule.Value == "absent");
        Assert.Equal("无故缺席 −3（流动、特殊党员免扣）：2025-03-10 党员大会（现场）：学习党章，缺席；扣 3 分", x.Text);
    }

    [Fact]
    public void a_leave_is_a_line_of_zero_so_the_member_sees_why_the_meeting_earned_nothing()
    {
        // #21 problem: absences and leave were missing from the ledger.
        var leave = _m2.Lines.Single(l => l.Fact?.FactId.Value == "meet-2");
        Assert.Equal((LineExplanations.Noted, 0m), (leave.Change, leave.Granted));
        Assert.Equal("请假（不计分、不扣分）：2025-05-08 主题党日（现场）：社区服务，请假；计 0 分", leave.Explained.Text);
        // The line changes no total.
        Assert.Equal(_m2.ByCategory.Sum(c => c.Points), _m2.Total);
    }

    [Fact]
    public void no_line_of_a_year_shows_an_internal_label()
    {
        foreach (var l in new[] { _m1, _m2, _m3 }.SelectMany(m => m.Lines))
        {
            var text = l.Explained.Text + l.Explained.Recorder;
            foreach (var id in new[] { "requested", "granted", "MemberEnrolled", "V1.", "base/", "full-attendance", "meet-", "vol-", "gm-", "enrol-" })
                Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        }
    }
}
