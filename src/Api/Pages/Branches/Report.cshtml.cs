using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 年终考核 for a branch: the summary (rank, member, total, grade, vanguard post), then each member's
/// ledger. Printable: each member starts a new page.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Viewer)]
public sealed class BranchReportModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public BranchEvidence? Report { get; private set; }
    public IReadOnlyList<(int Rank, MemberEvidence Member)> Ranked { get; private set; } = [];
    public string GeneratedAt { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string branch, int? year, CancellationToken ct)
    {
        if (!Ids.TryParse<BranchId>(branch, out var id)) return NotFound();
        if (ReadAccess.Branch(Caller.From(User), id, directory.Current) is { } refused) return this.Refuse(refused);
        var now = clock.GetLocalNow();
        GeneratedAt = now.ToString("yyyy-MM-dd HH:mm");
        Report = await reads.BranchEvidenceAsync(id, year is >= 1900 and <= 9999 ? year.Value : now.Year, ct);
        Ranked = Report.Ranked();
        return Page();
    }
}
