using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 评定: the branch's pending suggestions and golden ideas, each with its own form (and key), and a form
/// to record a submission on a member's behalf.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class AssessmentsModel(FactWriter writer, ReadModels reads, OrganisationDirectory directory, IFactLookup lookup, TimeProvider clock) : PageModel
{
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<PendingSubmission> Pending { get; private set; } = [];
    public IReadOnlyList<MemberEntry> Members { get; private set; } = [];
    public string Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    public FormErrors Errors { get; private set; } = FormErrors.None;
    /// Which form the errors belong to: a pending fact's id, or "submit".
    public string? ErrorsFor { get; private set; }
    public string? FormKey { get; private set; }
    public FormOutcome? Done { get; private set; }
    public string DoneText { get; private set; } = "";
    public MemberStanding? Updated { get; private set; }

    private BranchId _branch;

    public string NewKey() => FormWrite.NewKey();

    public async Task<IActionResult> OnGetAsync(string branch, CancellationToken ct) =>
        Load(branch) ?? await ShowAsync(ct);

    public async Task<IActionResult> OnPostAssessAsync(string branch, string? fact, string? kind, string? level, string? occurredOn, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        var assessor = Caller.From(User).Name;
        var outcome = await writer.RecordAsync(HttpContext, formKey, async (id, _, token) =>
        {
            var e = new FieldErrors();
            var target = e.Id<FactId>(fact, "fact");
            var on = e.Date(ParseDate(occurredOn), "occurredOn");
            if (kind == nameof(SubmissionKind.GoldenIdea))
            {
                var award = e.Enum<GoldenIdeaLevel>(level, "level");
                if (e.Any) return e.ToProblem();
                if ((await lookup.FindAsync(target!.Value, token))?.Fact is not GoldenIdeaSubmitted idea)
                    return FactConsistency.UnknownFact("fact", target.Value, "金点子", "golden idea");
                DoneText = $"金点子「{idea.Title}」获{ChineseNames.Of(award!.Value)}";
                return Draft.Of(new GoldenIdeaAwarded(id, on!.Value, idea.FactId, idea.Member, award.Value, assessor));
            }
            var grade = e.Enum<SuggestionLevel>(level, "level");
            if (e.Any) return e.ToProblem();
            if ((await lookup.FindAsync(target!.Value, token))?.Fact is not SuggestionSubmitted suggestion)
                return FactConsistency.UnknownFact("fact", target.Value, "建议", "suggestion");
            DoneText = $"合理化建议「{suggestion.Title}」评定为{ChineseNames.Of(grade!.Value)}";
            return Draft.Of(new SuggestionAssessed(id, on!.Value, suggestion.FactId, suggestion.Member, grade.Value, assessor));
        }, ct);
        return await AfterAsync(outcome, fact ?? "", formKey, ct);
    }

    public async Task<IActionResult> OnPostSubmitAsync(string branch, string? kind, string? member, string? title, string? occurredOn, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, org, _) =>
        {
            DoneText = $"{(kind == nameof(SubmissionKind.GoldenIdea) ? "金点子" : "合理化建议")}「{title?.Trim()}」已登记，待评定";
            return ValueTask.FromResult(Drafts.Submission(member, title ?? "", ParseDate(occurredOn), org, (m, b, t, on) =>
                kind == nameof(SubmissionKind.GoldenIdea) ? new GoldenIdeaSubmitted(id, on, m, b, t) : new SuggestionSubmitted(id, on, m, b, t)));
        }, ct);
        return await AfterAsync(outcome, "submit", formKey, ct);
    }

    private async Task<IActionResult> AfterAsync(FormOutcome outcome, string form, string? key, CancellationToken ct)
    {
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            ErrorsFor = form;
            FormKey = key;
            Response.StatusCode = problem.Status;
            return await ShowAsync(ct);
        }
        Done = outcome;
        if (await lookup.FindAsync(FactId.Parse(outcome.Recorded!.FactId), ct) is { Fact: { } recorded } && MemberOf(recorded) is { } m)
            Updated = await reads.StandingAsync(m, recorded.OccurredOn.Year, ct: ct);
        return await ShowAsync(ct);
    }

    private static MemberId? MemberOf(IFact fact) => fact switch
    {
        SuggestionAssessed s => s.Member,
        GoldenIdeaAwarded g => g.Member,
        SuggestionSubmitted s => s.Member,
        GoldenIdeaSubmitted g => g.Member,
        _ => null,
    };

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Pending = await reads.PendingSubmissionsAsync(_branch, ct);
        return Page();
    }

    private static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private IActionResult? Load(string branch)
    {
        var org = directory.Current;
        if (this.ManagedBranch(org, branch, out var entry) is { } refused) return refused;
        _branch = entry.Id;
        BranchName = entry.Name;
        Members = Roster.Of(org, entry.Id, DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        return null;
    }
}
