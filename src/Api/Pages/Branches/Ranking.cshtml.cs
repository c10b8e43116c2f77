using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;

namespace PointsEngine.Api.Pages.Branches;

/// 积分排名: a branch's ranking for a month, quarter or year. Admins, appraisers and the branch's
/// secretary see it at any time; the branch's members only once it is published (公示).
public sealed class RankingModel(ReadModels reads, OrganisationDirectory directory, IPublishedRankings published, TimeProvider clock) : PageModel
{
    public string Branch { get; private set; } = "";
    public string BranchName { get; private set; } = "";
    public Period Period { get; private set; }
    public string PeriodName { get; private set; } = "";
    public Ranking? Ranking { get; private set; }
    /// What a member sees: the published notice (公示) of the period, if any.
    public NoticeView? Notice { get; private set; }
    /// The period's published notice, for its printable sheet (#21); a member's is Notice.
    public NoticeView? Printable { get; private set; }
    public bool MayOpenMembers { get; private set; }
    public IReadOnlyDictionary<PartyGroupId, string> GroupNames { get; private set; } = new Dictionary<PartyGroupId, string>();

    public async Task<IActionResult> OnGetAsync(string branch, string? kind, int? year, int? index, CancellationToken ct)
    {
        var me = Caller.From(User);
        var org = directory.Current;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !org.Branches.TryGetValue(id, out var entry)) return NotFound();
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        Period = PeriodOf(kind, year, index, today);
        PeriodName = PeriodNames.Of(Period);
        Branch = id.Value;
        BranchName = entry.Name;
        GroupNames = org.Groups.Values.Where(g => g.Branch == id).ToDictionary(g => g.Id, g => g.Name);

        if (me.Role == Role.Member)
        {
            // The notice the API would show the member (their branch's today, or one that lists them).
            var notice = await published.PublishedAsync(id, Period, ct);
            if (!ReadAccess.Notice(me, org, id, notice, today)) return Forbid(PageTokenHandler.SchemeName);
            Notice = Printable = notice;
            return Page();
        }
        if (ReadAccess.Branch(me, id, org) is { } refused) return this.Refuse(refused);

        MayOpenMembers = me.Role != Role.Member;
        Printable = await published.PublishedAsync(id, Period, ct);
        Ranking = await reads.RankingAsync(RankingQuery.For(RankingScope.Branch, id.Value, Period) with { PageSize = 10_000 }, ct);
        return Page();
    }

    /// The period asked for; what is missing or out of range falls back to the one containing today.
    private static Period PeriodOf(string? kind, int? year, int? index, DateOnly today)
    {
        var k = kind?.ToLowerInvariant() switch { "month" => PeriodKind.Month, "quarter" => PeriodKind.Quarter, _ => PeriodKind.Year };
        var y = year is >= 1900 and <= 9999 ? year.Value : today.Year;
        var current = Period.Containing(today, k);
        var max = k switch { PeriodKind.Month => 12, PeriodKind.Quarter => 4, _ => 1 };
        var i = index is { } n && n >= 1 && n <= max ? n : (y == today.Year ? current.Index : 1);
        return new Period(k, y, i);
    }
}
