using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_a_member_claims
{
    private static readonly FactId ClaimId = new("claim-1");
    private static readonly MemberId Li = new("m-01");
    private static readonly BranchId B1 = new("b-01");

    private static ClaimSubmitted Hours(decimal hours = 3) => new(ClaimId, new DateOnly(2025, 5, 4), Li, B1, ClaimKind.VolunteerService,
        "社区义诊", "协助量血压", hours, [new ClaimAttachment("photo.jpg", "image/jpeg", 1234, new string('a', 64))]);

    [Fact]
    public void a_submitted_claim_is_pending()
    {
        var state = Claims.Fold(ClaimId, [Hours()]);
        Assert.NotNull(state);
        Assert.True(state.IsPending);
        Assert.Null(Claims.CanDecide(state, new FactId("accept-1")));
    }

    [Fact]
    public void an_accepted_volunteer_claim_records_the_hours_dated_when_they_were_served()
    {
        var scored = Assert.IsType<VolunteerServiceLogged>(Claims.ScoredFact(Hours(2.5m), "王五"));
        Assert.Equal((new FactId("claim-1-scored"), new DateOnly(2025, 5, 4), Li, 2.5m, "社区义诊", "王五"),
            (scored.FactId, scored.OccurredOn, scored.Member, scored.Hours, scored.Activity, scored.Verifier));
    }

    [Fact]
    public void an_accepted_suggestion_claim_records_the_suggestion_to_be_assessed()
    {
        var claim = Hours() with { Kind = ClaimKind.Suggestion, Hours = null };
        var scored = Assert.IsType<SuggestionSubmitted>(Claims.ScoredFact(claim, "王五"));
        Assert.Equal((Li, B1, "社区义诊"), (scored.Member, scored.Branch, scored.Title));
    }

    [Fact]
    public void a_claim_is_decided_once()
    {
        var accepted = new ClaimAccepted(new FactId("accept-1"), new DateOnly(2025, 5, 6), ClaimId, Li, B1, Claims.ScoredFactId(ClaimId));
        var state = Claims.Fold(ClaimId, [Hours(), accepted])!;

        var refusal = Claims.CanDecide(state, new FactId("reject-1"));
        Assert.Equal((RefusalKind.Conflict, "claim-already-decided"), (refusal?.Kind, refusal?.Code));
        Assert.Contains("2025-05-06", refusal!.English);
    }

    [Fact]
    public void the_same_decision_again_is_a_retry_not_a_second_decision()
    {
        var rejected = new ClaimRejected(new FactId("reject-1"), new DateOnly(2025, 5, 6), ClaimId, Li, B1, "照片不清楚");
        var state = Claims.Fold(ClaimId, [Hours(), rejected])!;
        Assert.Null(Claims.CanDecide(state, new FactId("reject-1")));
        Assert.Same(rejected, state.Decision);
    }

    [Fact]
    public void a_later_decision_in_the_log_does_not_replace_the_first()
    {
        var rejected = new ClaimRejected(new FactId("reject-1"), new DateOnly(2025, 5, 6), ClaimId, Li, B1, "照片不清楚");
        var accepted = new ClaimAccepted(new FactId("accept-1"), new DateOnly(2025, 5, 7), ClaimId, Li, B1, Claims.ScoredFactId(ClaimId));
        Assert.Same(rejected, Claims.Fold(ClaimId, [Hours(), rejected, accepted])!.Decision);
    }

    [Fact]
    public void other_claims_of_the_member_do_not_touch_this_one()
    {
        var other = Hours() with { FactId = new FactId("claim-2") };
        var otherDecided = new ClaimRejected(new FactId("reject-2"), new DateOnly(2025, 5, 6), other.FactId, Li, B1, "重复");
        Assert.True(Claims.Fold(ClaimId, [Hours(), other, otherDecided])!.IsPending);
        Assert.Null(Claims.Fold(new FactId("claim-9"), [Hours()]));
    }
}

public sealed class when_a_branch_publishes_a_notice
{
    private static readonly BranchId B1 = new("b-01");
    private static readonly DateOnly Published = new(2025, 7, 1);
    private static readonly DateOnly Closes = new(2025, 7, 7);

    private static NoticePublished Notice() => new(new FactId("notice-1"), Published, B1, "2025-06", new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 30),
        Closes, [new NoticeLine(1, new MemberId("m-01"), "李四", 12, null, null), new NoticeLine(2, new MemberId("m-02"), "张三", 8, null, null)]);

    private static ObjectionRaised Objection(string id = "obj-1", string member = "m-02") =>
        new(new FactId(id), new DateOnly(2025, 7, 3), B1, "2025-06", new MemberId(member), "少记了一次志愿服务");

    private static ObjectionAnswered Answer(string objection = "obj-1", ObjectionOutcome outcome = ObjectionOutcome.Dismissed, string id = "ans-1") =>
        new(new FactId(id), new DateOnly(2025, 7, 4), B1, "2025-06", new FactId(objection), new MemberId("m-02"), outcome, "已核实",
            outcome == ObjectionOutcome.Upheld ? new FactId("adj-1") : null);

    private static NoticeState State(params IFact[] more) => Notices.Fold([Notice(), .. more])!;

    [Fact]
    public void objections_are_accepted_up_to_and_including_the_stated_end_date()
    {
        Assert.Null(Notices.CanObject(State(), new FactId("obj-1"), Published));
        Assert.Null(Notices.CanObject(State(), new FactId("obj-1"), Closes));
        var late = Notices.CanObject(State(), new FactId("obj-1"), Closes.AddDays(1));
        Assert.Equal((RefusalKind.Conflict, "objection-window-closed"), (late?.Kind, late?.Code));
        Assert.Contains("2025-07-07", late!.Chinese);
        Assert.Contains("2025-07-07", late.English);
    }

    [Fact]
    public void a_recorded_objection_retried_after_the_window_is_not_refused()
    {
        Assert.Null(Notices.CanObject(State(Objection()), new FactId("obj-1"), Closes.AddDays(3)));
        Assert.Equal(new DateOnly(2025, 7, 3), State(Objection()).DateOf(new FactId("obj-1")));
    }

    [Fact]
    public void each_objection_is_answered_once()
    {
        var state = State(Objection(), Answer());
        var again = Notices.CanAnswer(state, new FactId("ans-2"), new FactId("obj-1"), ObjectionOutcome.Upheld, new FactId("adj-1"));
        Assert.Equal((RefusalKind.Conflict, "objection-already-answered"), (again?.Kind, again?.Code));
        Assert.Null(Notices.CanAnswer(state, new FactId("ans-1"), new FactId("obj-1"), ObjectionOutcome.Dismissed, null));
    }

    [Fact]
    public void an_unknown_objection_cannot_be_answered()
    {
        var refusal = Notices.CanAnswer(State(Objection()), new FactId("ans-1"), new FactId("obj-9"), ObjectionOutcome.Dismissed, null);
        Assert.Equal((RefusalKind.NotFound, "unknown-objection"), (refusal?.Kind, refusal?.Code));
    }

    [Fact]
    public void an_upheld_objection_names_its_correction_and_a_dismissed_one_none()
    {
        var state = State(Objection());
        Assert.Equal("correction-required", Notices.CanAnswer(state, new FactId("a"), new FactId("obj-1"), ObjectionOutcome.Upheld, null)?.Code);
        Assert.Equal("correction-unexpected", Notices.CanAnswer(state, new FactId("a"), new FactId("obj-1"), ObjectionOutcome.Dismissed, new FactId("adj-1"))?.Code);
        Assert.Null(Notices.CanAnswer(state, new FactId("a"), new FactId("obj-1"), ObjectionOutcome.Upheld, new FactId("adj-1")));
    }

    [Fact]
    public void the_result_is_not_final_while_the_window_is_open()
    {
        var refusal = Notices.CanFinalise(State(), new FactId("final-1"), Closes);
        Assert.Equal((RefusalKind.Conflict, "objection-window-open"), (refusal?.Kind, refusal?.Code));
    }

    [Fact]
    public void the_result_is_not_final_while_an_objection_is_unanswered()
    {
        var refusal = Notices.CanFinalise(State(Objection(), Objection("obj-2", "m-01"), Answer()), new FactId("final-1"), Closes.AddDays(1));
        Assert.Equal((RefusalKind.Conflict, "objections-unanswered"), (refusal?.Kind, refusal?.Code));
        Assert.Contains("obj-2", refusal!.English);
        Assert.DoesNotContain("obj-1", refusal.English);
    }

    [Fact]
    public void the_result_is_final_after_the_window_with_every_objection_answered()
    {
        var state = State(Objection(), Answer());
        Assert.Null(Notices.CanFinalise(state, new FactId("final-1"), Closes.AddDays(1)));
        var final = new NoticeFinalised(new FactId("final-1"), Closes.AddDays(1), B1, "2025-06", Notice().Lines);
        var after = Notices.Evolve(state, final)!;
        Assert.True(after.IsFinal);
        Assert.Equal("notice-final", Notices.CanFinalise(after, new FactId("final-2"), Closes.AddDays(2))?.Code);
        Assert.Equal("notice-final", Notices.CanObject(after, new FactId("obj-3"), Closes)?.Code);
        Assert.Equal("notice-final", Notices.CanAnswer(State(Objection(), final), new FactId("a"), new FactId("obj-1"), ObjectionOutcome.Dismissed, null)?.Code);
    }

    [Fact]
    public void a_period_is_published_once()
    {
        var refusal = Notices.CanPublish(State(), new FactId("notice-2"), Period.MonthOf(2025, 6), Published, Closes);
        Assert.Equal((RefusalKind.Conflict, "notice-exists"), (refusal?.Kind, refusal?.Code));
        Assert.Null(Notices.CanPublish(State(), new FactId("notice-1"), Period.MonthOf(2025, 6), Published.AddDays(9), Closes));
    }

    [Fact]
    public void a_notice_needs_a_started_period_and_a_window_that_has_not_ended()
    {
        Assert.Equal("period-not-started", Notices.CanPublish(null, new FactId("n"), Period.MonthOf(2025, 8), Published, Closes)?.Code);
        Assert.Equal("window-in-past", Notices.CanPublish(null, new FactId("n"), Period.MonthOf(2025, 6), Published, Published.AddDays(-1))?.Code);
        Assert.Null(Notices.CanPublish(null, new FactId("n"), Period.MonthOf(2025, 6), Published, Published));
    }

    [Theory]
    [InlineData("2025-06", "2025-06")]
    [InlineData("2025-Q2", "2025-Q2")]
    [InlineData("2025", "2025")]
    [InlineData("2025-13", null)]
    [InlineData("2025-Q5", null)]
    [InlineData("25-06", null)]
    [InlineData("2025-6", null)]
    [InlineData("٢٠٢٥", null)]
    [InlineData("２０２５-06", null)]
    public void periods_are_months_quarters_or_years(string label, string? expected) =>
        Assert.Equal(expected, Notices.ParsePeriod(label)?.ToString());
}
