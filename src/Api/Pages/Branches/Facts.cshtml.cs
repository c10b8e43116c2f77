using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 台账 of recorded facts (#19): what the branch recorded, found the way people remember it (date range,
/// kind, topic, member), each line opening the meeting for correction or revoking the record with a reason.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Recorder)]
public sealed class FactsModel(FactWriter writer, ReadModels reads, IFactLookup lookup, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public static IReadOnlyList<(string Kind, string Name)> Kinds => RecordList.Kinds;

    private const int Limit = 2000;

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Kind { get; set; }
    [BindProperty(SupportsGet = true)] public string? Topic { get; set; }
    [BindProperty(SupportsGet = true)] public string? Member { get; set; }

    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public IReadOnlyList<RecordedFactLine> Lines { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public FormOutcome? Revoked { get; private set; }
    public string? RevokeTarget { get; private set; }

    private OrganisationSnapshot _org = OrganisationSnapshot.Empty;

    public async Task<IActionResult> OnGetAsync(string branch, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        await ListAsync(ct);
        return Page();
    }

    /// Revokes one record of the list (reason required) through the API's revocation checks.
    public async Task<IActionResult> OnPostRevokeAsync(string branch, string? target, string? reason, string? formKey, CancellationToken ct)
    {
        if (Load(branch) is { } refused) return refused;
        RevokeTarget = target;
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        Revoked = await writer.RecordAsync(HttpContext, formKey, (id, org, token) =>
            new ValueTask<Draft>(RevocationEndpoints.BuildAsync(id, org, new RevocationEndpoints.RevokeFactRequest(target, reason, today), lookup, token)), ct);
        if (Revoked.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
        }
        await ListAsync(ct);
        return Page();
    }

    public string NameOf(MemberId? member) => member is { } m && _org.Members.TryGetValue(m, out var e) ? e.Name : member?.Value ?? "";

    public static string KindName(string kind) => RecordList.KindName(kind);

    public static string NewKey() => FormWrite.NewKey();

    private async Task ListAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        var from = Date(From) ?? new DateOnly(today.Year, 1, 1);
        var to = Date(To) ?? today;
        From = from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Lines = await RecordList.FindAsync(reads, _org, new RecordList.Filter(BranchId.Parse(Branch), from, to, Kind, Topic, Member), Limit, ct);
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private IActionResult? Load(string branch)
    {
        _org = directory.Current;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !_org.Branches.TryGetValue(id, out var entry)) return NotFound();
        if (!Caller.From(User).Manages(id)) return Forbid(PageTokenHandler.SchemeName);
        Branch = id.Value;
        BranchName = entry.Name;
        return null;
    }
}
