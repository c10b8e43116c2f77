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

/// 志愿服务: hours verified by the signed-in secretary (the verifier), one member at a time.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class VolunteerModel(FactWriter writer, ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<MemberEntry> Members { get; private set; } = [];
    public string? FormKey { get; private set; }
    public string? Member { get; private set; }
    public string? Hours { get; private set; }
    public string? Activity { get; private set; }
    public string? OccurredOn { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Done { get; private set; }
    public MemberStanding? Updated { get; private set; }

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    public IActionResult OnGet(string branch)
    {
        if (Load(branch) is { } refused) return refused;
        FormKey = FormWrite.NewKey();
        OccurredOn = DateOnly.FromDateTime(clock.GetLocalNow().DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string branch, string? member, string? hours, string? activity, string? occurredOn, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        (Member, Hours, Activity, OccurredOn, FormKey) = (member, hours, activity, occurredOn, formKey);
        var verifier = Caller.From(User).Name;
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, org, token) =>
        {
            var e = new FieldErrors();
            var who = e.Id<MemberId>(member, "member");
            decimal? checkedHours = null;
            if (!string.IsNullOrWhiteSpace(hours) && !decimal.TryParse(hours.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out _))
                e.Add("hours", "not-a-number", "时长须为数字，如 2 或 1.5。", "Hours must be a number, e.g. 2 or 1.5.");
            else
                checkedHours = e.Decimal(string.IsNullOrWhiteSpace(hours) ? null : decimal.Parse(hours.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture), "hours");
            var what = e.Text(activity ?? "", "activity", max: 200);
            var on = e.Date(DateOnly.TryParseExact(occurredOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null, "occurredOn");
            if (e.Any) return ValueTask.FromResult<Draft>(e.ToProblem());
            return ValueTask.FromResult(Drafts.KnownMember(org, who!.Value)
                ?? Draft.Of(new VolunteerServiceLogged(id, on!.Value, who.Value, checkedHours!.Value, what!, verifier)));
        }, ct);
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
            return Page();
        }
        Done = outcome;
        if (Ids.TryParse<MemberId>(member, out var m) && DateOnly.TryParse(occurredOn, CultureInfo.InvariantCulture, out var date))
            Updated = await reads.StandingAsync(m, date.Year, ct: ct);
        FormKey = FormWrite.NewKey();
        return Page();
    }

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
