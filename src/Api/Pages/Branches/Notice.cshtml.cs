using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// One 公示 (#20): the published ranking (the final one once made final); a member of the branch raises an 异议
/// within the window and reads the answer; the secretary answers each objection — upheld with the correction made
/// here (a 加分/扣分 of the objector through the adjustment's own write path, or a correction already recorded on
/// the record list), dismissed with a reason — and makes the result final. Every write and every access rule is
/// NoticeEndpoints' (the API's); a member sees only their own objections, as in the API.
public sealed class NoticeModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public string Period { get; private set; } = "";
    public NoticeEndpoints.NoticeDocument Document { get; private set; } = null!;
    public bool MayAnswer { get; private set; }
    /// A member may object (the API's Member policy: the member role).
    public bool MayObject { get; private set; }
    public MemberId? Me { get; private set; }

    public FormErrors Errors { get; private set; } = FormErrors.None;
    /// Which form was refused: "object", "finalise" or an objection's id.
    public string? ErrorsFor { get; private set; }
    public string? FormKey { get; private set; }
    public IFormCollection? Typed { get; private set; }
    public string? DoneText { get; private set; }
    public bool Replayed { get; private set; }

    public static readonly string[] AnswerFields = ["outcome", "reason", "correction", "points", "approver", "occurredOn"];

    private static readonly Dictionary<string, string> ObjectionLabels = new(StringComparer.Ordinal) { ["reason"] = "异议理由" };

    private static readonly Dictionary<string, string> AnswerLabels = new(StringComparer.Ordinal)
    {
        ["reason"] = "答复理由", ["outcome"] = "答复结果", ["correction"] = "更正记录", ["occurredOn"] = "更正日期",
    };

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    public string NameOf(MemberId member) => Roster.NameOf(_org, member.Value);

    public static string OutcomeName(string? outcome) => Enum.TryParse<ObjectionOutcome>(outcome, out var o) ? Notices.OutcomeName(o) : outcome ?? "";

    /// The key of the form that was refused (resubmitting it is the same write), or a fresh one.
    public string KeyFor(string form) => ErrorsFor == form && FormKey is { } key ? key : FormWrite.NewKey();

    public string Value(string form, string field, string fallback = "") =>
        ErrorsFor == form && Typed?[field].FirstOrDefault() is { } typed ? typed : fallback;

    /// The date a correction is dated by default: today, or the period's last day once it is over (so the final ranking includes it).
    public string CorrectionDate
    {
        get
        {
            var end = Document.Notice.To;
            var today = clock.Today();
            return (today < end ? today : end).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
    }

    public Task<IActionResult> OnGetAsync(string branch, string period, CancellationToken ct) => ShowAsync(branch, period, ct);

    public async Task<IActionResult> OnPostObjectAsync(string branch, string period, string? reason, string? formKey,
        [FromServices] WorkflowStreams streams, [FromServices] FactWriter writer, CancellationToken ct)
    {
        var me = Caller.From(User);
        if (me.Role != Role.Member) return Forbid(PageTokenHandler.SchemeName);
        var result = await NoticeEndpoints.ObjectAsync(branch, period, new NoticeEndpoints.RaiseObjectionRequest(reason), me, streams, clock,
            new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        return await AfterAsync(branch, period, FormOutcome.Of(result, HttpContext), "object", formKey, "异议已提交，支部答复后在此查看", ct);
    }

    public async Task<IActionResult> OnPostAnswerAsync(string branch, string period, string? objection, string? outcome, string? reason, string? correction,
        string? direction, string? points, string? approver, string? occurredOn, string? formKey,
        [FromServices] WorkflowStreams streams, [FromServices] IFactLookup lookup, [FromServices] FactWriter writer, CancellationToken ct)
    {
        _org = directory.Current;
        if (this.ManagedBranch(_org, branch, out _) is { } refused) return refused;
        var me = Caller.From(User);
        var form = objection ?? "";
        var upheld = outcome == "upheld";
        if (upheld && string.IsNullOrWhiteSpace(correction) && !string.IsNullOrWhiteSpace(points))
        {
            // Upheld with a 加分/扣分 made here: the adjustment first (its own key, derived from the form's), then the answer naming it.
            var fixing = await CorrectionAsync(branch, period, objection, reason, direction, points, approver, occurredOn, formKey, writer, ct);
            if (fixing.Problem is { } problem) return await AfterAsync(branch, period, FormOutcome.Refused(problem), form, formKey, "", ct);
            correction = fixing.Correction;
        }
        var result = await NoticeEndpoints.AnswerAsync(branch, period, objection ?? "", new NoticeEndpoints.AnswerObjectionRequest(outcome, reason,
            string.IsNullOrWhiteSpace(correction) ? null : correction.Trim()), me, streams, lookup, clock, new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        return await AfterAsync(branch, period, FormOutcome.Of(result, HttpContext), form, formKey,
            upheld ? "已答复：异议成立，更正已登记" : "已答复：异议不成立", ct);
    }

    public async Task<IActionResult> OnPostFinaliseAsync(string branch, string period, string? formKey,
        [FromServices] WorkflowStreams streams, [FromServices] ReadModelSync sync, [FromServices] FactWriter writer, CancellationToken ct)
    {
        _org = directory.Current;
        if (this.ManagedBranch(_org, branch, out _) is { } refused) return refused;
        var result = await NoticeEndpoints.FinaliseAsync(branch, period, Caller.From(User), streams, reads, sync, clock,
            new WriteOptions(HttpContext, formKey, Wait: true), writer, ct);
        return await AfterAsync(branch, period, FormOutcome.Of(result, HttpContext), "finalise", formKey, "公示结果已确定", ct);
    }

    /// The 加分/扣分 of the objector that an upheld objection leads to, through the adjustment page's own request and the
    /// API's Build. An objection already answered records nothing more: a resubmitted form names the correction it made.
    private async Task<(string? Correction, ApiProblem? Problem)> CorrectionAsync(string branch, string period, string? objection, string? reason,
        string? direction, string? points, string? approver, string? occurredOn, string? formKey, FactWriter writer, CancellationToken ct)
    {
        var e = new FieldErrors();
        var because = e.Text(reason, "reason", max: 2000);
        if (e.Any) return (null, e.ToProblem());
        var notice = Ids.TryParse<BranchId>(branch, out var id) && Notices.ParsePeriod(period) is { } p ? await reads.NoticeAsync(id, p.ToString(), ct) : null;
        if (notice?.Objections.FirstOrDefault(o => o.Objection.Value == objection) is not { } raised) return (null, null); // the answer says what is unknown
        if (raised.Answer is not null) return (raised.Correction?.Value, null);
        var (request, invalid) = AdjustmentModel.FormRequest(raised.Member.Value, direction, points,
            $"{PeriodNames.Of(notice.Period)}公示异议成立：{because}", approver, occurredOn);
        if (invalid is not null) return (null, invalid);
        var fixedBy = await writer.RecordAsync(HttpContext, formKey is null ? null : formKey + "-correction",
            (fact, org, _) => ValueTask.FromResult(AdjustmentEndpoints.Build(fact, org, request!)), ct);
        return fixedBy.Problem is { } problem ? (null, problem) : (fixedBy.Recorded!.FactId, null);
    }

    private async Task<IActionResult> AfterAsync(string branch, string period, FormOutcome outcome, string form, string? key, string doneText, CancellationToken ct)
    {
        if (outcome.Problem is { } problem)
        {
            // Not the caller's (another branch's notice, a member not on it) or not there: as the API refuses it.
            if (problem.Status is StatusCodes.Status403Forbidden) return Forbid(PageTokenHandler.SchemeName);
            if (problem.Status is StatusCodes.Status404NotFound && (problem.Errors is not { } fields || fields.ContainsKey("branch") || fields.ContainsKey("period")))
                return NotFound();
            Errors = new FormErrors(problem, form == "object" ? ObjectionLabels : AnswerLabels);
            ErrorsFor = form;
            FormKey = key;
            Typed = Request.HasFormContentType ? await Request.ReadFormAsync(ct) : null;
            Response.StatusCode = problem.Status;
        }
        else
        {
            DoneText = doneText;
            Replayed = outcome.Replayed;
        }
        return await ShowAsync(branch, period, ct);
    }

    private async Task<IActionResult> ShowAsync(string branch, string period, CancellationToken ct)
    {
        var me = Caller.From(User);
        _org = directory.Current;
        var result = await NoticeEndpoints.GetAsync(branch, period, me, reads, directory, clock, ct);
        if (result.Result is not Ok<NoticeEndpoints.NoticeDocument> { Value: { } document }) return this.Refuse(result.Result);
        Document = document;
        Branch = document.Notice.Branch.Value;
        Period = document.Notice.Period;
        BranchName = _org.Branches.TryGetValue(document.Notice.Branch, out var entry) ? entry.Name : Branch;
        MayAnswer = me.Manages(document.Notice.Branch);
        MayObject = me.Role == Role.Member && me.Member is not null;
        Me = me.Member;
        return Page();
    }
}
