using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Members;

/// 我的积分: a member's total, by category, rank, the year's chart and the ledger. Members see their own;
/// admins and appraisers anyone; a secretary the members of their branches now or in the year shown (the API's rule).
public sealed class StandingModel(ReadModels reads, OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public string Member { get; private set; } = "";
    public bool IsOwn { get; private set; }
    public int Year { get; private set; }
    public IReadOnlyList<int> Years { get; private set; } = [];
    public MemberStanding? Standing { get; private set; }
    public DateOnly ChartUntil { get; private set; }
    public string? BranchName { get; private set; }
    public IReadOnlyList<EvidenceLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? member, int? year, CancellationToken ct)
    {
        var me = Caller.From(User);
        if (member is null)
        {
            if (me.Member is not { } own) return Redirect("/");
            member = own.Value;
        }
        if (!Ids.TryParse<MemberId>(member, out var id)) return NotFound();
        var org = directory.Current;
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        Year = year is >= 1900 and <= 9999 ? year.Value : today.Year;
        if (ReadAccess.Member(me, id, Year, org) is { } refused) return this.Refuse(refused);

        Member = id.Value;
        IsOwn = me.Member == id;
        // The whole year, as the ledger below lists it (a quarter's bonus is dated at the quarter's end).
        Standing = await reads.StandingAsync(id, Year, ct: ct);
        // Opened without a year, the page shows the latest of the last three years that has data (#21: in January the
        // data is last year's), among those the caller may read.
        for (var earlier = Year - 1; year is null && !HasLines(Standing) && earlier >= today.Year - 2; earlier--)
        {
            if (ReadAccess.Member(me, id, earlier, org) is not null) continue;
            if (await reads.StandingAsync(id, earlier, ct: ct) is { } found && HasLines(found)) (Year, Standing) = (earlier, found);
        }
        Years = [.. Enumerable.Range(today.Year - 2, 3).Append(Year).Distinct().Order()];
        ChartUntil = Year == today.Year ? today : new DateOnly(Year, 12, 31);
        if (Standing?.Branch is { } b) BranchName = org.Branches.TryGetValue(b, out var entry) ? entry.Name : b.Value;
        if (Standing is not null) Lines = (await reads.EvidenceAsync(id, Year, ct))?.Lines ?? [];
        return Page();
    }

    private static bool HasLines(MemberStanding? standing) => standing is { Series.Count: > 0 };
}
