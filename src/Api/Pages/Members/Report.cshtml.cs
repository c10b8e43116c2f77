using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Members;

/// 年终考核 for one member: every line of the year with its fact, rule, rule-set version, recorder and
/// revocations, and the grade with its reasons. Printable.
public sealed class MemberReportModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string Member { get; private set; } = "";
    public int Year { get; private set; }
    public MemberEvidence? Evidence { get; private set; }

    public async Task<IActionResult> OnGetAsync(string member, int? year, CancellationToken ct)
    {
        if (!Ids.TryParse<MemberId>(member, out var id)) return NotFound();
        Year = year is >= 1900 and <= 9999 ? year.Value : clock.GetLocalNow().Year;
        if (ReadAccess.Member(Caller.From(User), id, Year, directory.Current) is { } refused) return this.Refuse(refused);
        Member = id.Value;
        Evidence = await reads.EvidenceAsync(id, Year, ct);
        return Page();
    }
}
