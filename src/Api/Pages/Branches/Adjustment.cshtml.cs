using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 加分/扣分 (#20): points added or deducted by hand for one member, with the reason and who approved it.
/// The write is the API's (AdjustmentEndpoints.Build, FactWriter): same checks, same idempotency.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class AdjustmentModel(FactWriter writer, ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<MemberEntry> Members { get; private set; } = [];
    public string? FormKey { get; private set; }
    public string? Member { get; private set; }
    public string Direction { get; private set; } = "add";
    public string? Points { get; private set; }
    public string? Reason { get; private set; }
    public string? Approver { get; private set; }
    public string? OccurredOn { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Done { get; private set; }
    public MemberStanding? Updated { get; private set; }

    public static readonly string[] FieldsOnPage = ["member", "points", "reason", "approver", "occurredOn"];

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    /// <param name="member">preselected (the 公示 page links here for an objector's correction).</param>
    public IActionResult OnGet(string branch, string? member)
    {
        if (Load(branch) is { } refused) return refused;
        Member = member;
        FormKey = FormWrite.NewKey();
        OccurredOn = DateOnly.FromDateTime(clock.GetLocalNow().DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string branch, string? member, string? direction, string? points, string? reason, string? approver,
        string? occurredOn, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        (Member, Direction, Points, Reason, Approver, OccurredOn, FormKey) = (member, direction == "deduct" ? "deduct" : "add", points, reason, approver, occurredOn, formKey);
        var (request, invalid) = FormRequest(member, Direction, points, reason, approver, occurredOn);
        var outcome = invalid is not null ? FormOutcome.Refused(invalid)
            : await writer.RecordAsync(HttpContext, formKey, (id, org, _) => ValueTask.FromResult(AdjustmentEndpoints.Build(id, org, request!)), ct);
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem, Labels);
            Response.StatusCode = problem.Status;
            return Page();
        }
        Done = outcome;
        if (Ids.TryParse<MemberId>(member, out var m) && DateOnly.TryParse(occurredOn, CultureInfo.InvariantCulture, out var date))
            Updated = await reads.StandingAsync(m, date.Year, ct: ct);
        FormKey = FormWrite.NewKey();
        return Page();
    }

    /// The form's fields as the API's request: a number typed with a comma or a word is refused beside 「分值」,
    /// and 扣分 makes the points negative. Also the 公示 answer's correction (Pages/Branches/Notice).
    public static (AdjustmentEndpoints.RecordAdjustmentRequest? Request, ApiProblem? Problem) FormRequest(string? member, string? direction, string? points,
        string? reason, string? approver, string? occurredOn)
    {
        if (!string.IsNullOrWhiteSpace(points) && !decimal.TryParse(points.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            return (null, ApiProblem.Field(StatusCodes.Status400BadRequest, "points", "not-a-number",
                "分值须为数字，如 2 或 0.5。", "Points must be a number, e.g. 2 or 0.5."));
        decimal? value = string.IsNullOrWhiteSpace(points) ? null : decimal.Parse(points.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture);
        if (value is { } v && direction == "deduct") value = -Math.Abs(v);
        DateOnly? on = DateOnly.TryParseExact(occurredOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return (new AdjustmentEndpoints.RecordAdjustmentRequest(member, value, reason, approver, on), null);
    }

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal) { ["reason"] = "加减分理由" };

    public string NameOf(string? member) => Roster.NameOf(_org, member);

    private IActionResult? Load(string branch)
    {
        _org = directory.Current;
        if (this.ManagedBranch(_org, branch, out var entry) is { } refused) return refused;
        BranchName = entry.Name;
        Members = Roster.Of(_org, entry.Id, DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
        return null;
    }
}
