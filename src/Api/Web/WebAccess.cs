using PointsEngine.Api.Access;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Web;

/// Authorization policies of the pages (signed in with the page cookie) and what each role may open:
/// admins and appraisers every branch and member, a secretary their own branches and the members in
/// them, a member themself.
public static class WebAccess
{
    public const string Reader = "web-reader";
    public const string Viewer = "web-viewer";
    public const string Recorder = "web-recorder";
    public const string Admin = "web-admin";

    public static bool MaySeeBranch(Caller caller, BranchId branch) => caller.Role switch
    {
        Role.Admin or Role.Appraiser => true,
        Role.Secretary => caller.Branches.Contains(branch),
        _ => false,
    };

    public static bool MaySeeMember(Caller caller, MemberId member, OrganisationSnapshot org) => caller.Role switch
    {
        Role.Admin or Role.Appraiser => true,
        Role.Member => caller.Member == member,
        // A secretary sees whoever is, or was at some time, in one of their branches.
        _ => org.Members.TryGetValue(member, out var entry) && entry.BranchHistory.Any(s => caller.Branches.Contains(s.Branch)),
    };

    /// The branches the caller may open, in id order.
    public static IReadOnlyList<BranchEntry> VisibleBranches(Caller caller, OrganisationSnapshot org) =>
        [.. org.Branches.Values.Where(b => MaySeeBranch(caller, b.Id)).OrderBy(b => b.Id.Value, StringComparer.Ordinal)];

    public static string RoleName(Role role) => role switch
    {
        Role.Admin => "管理员",
        Role.Secretary => "支部书记",
        Role.Appraiser => "考核人员",
        _ => "党员",
    };
}
