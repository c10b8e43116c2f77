using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Pages;

/// The landing page: what the signed-in role may use.
public sealed class IndexModel(OrganisationDirectory directory, TimeProvider clock) : PageModel
{
    public Caller? Me { get; private set; }
    public IReadOnlyList<BranchEntry> Branches { get; private set; } = [];
    public BranchId? OwnBranch { get; private set; }

    public void OnGet()
    {
        if (User.FindFirst(Caller.SubjectClaim) is null) return;
        Me = Caller.From(User);
        var org = directory.Current;
        if (Me.Role != Role.Member) Branches = WebAccess.VisibleBranches(Me, org);
        else if (Me.Member is { } m && org.Members.TryGetValue(m, out var entry))
            OwnBranch = entry.BranchOn(DateOnly.FromDateTime(clock.GetLocalNow().DateTime));
    }
}
