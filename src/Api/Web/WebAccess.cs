using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Web;

/// Authorization policies of the pages (signed in with the page cookie). What each role may open is the
/// API's rule, <see cref="ReadAccess"/> (#16 finding 2.6: the pages kept a wider copy of it).
public static class WebAccess
{
    public const string Reader = "web-reader";
    public const string Viewer = "web-viewer";
    public const string Recorder = "web-recorder";
    public const string Admin = "web-admin";

    /// The branches the caller may open, in id order.
    public static IReadOnlyList<BranchEntry> VisibleBranches(Caller caller, OrganisationSnapshot org) =>
        [.. org.Branches.Values.Where(b => ReadAccess.Branch(caller, b.Id, org) is null).OrderBy(b => b.Id.Value, StringComparer.Ordinal)];

    /// A page's answer to what the API would refuse: not found as 404, anything else to the "denied" page.
    public static IActionResult Refuse(this PageModel page, ApiProblem problem) =>
        problem.Status == StatusCodes.Status404NotFound ? page.NotFound() : page.Forbid(PageTokenHandler.SchemeName);

    /// A page's answer to an API handler's refusal: an unusable or unknown id as 404, anything else to the "denied" page.
    public static IActionResult Refuse(this PageModel page, IResult? refusal) =>
        refusal is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult { StatusCode: StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound }
            ? page.NotFound() : page.Forbid(PageTokenHandler.SchemeName);

    /// The branch a recording page works on: unknown as 404, one the caller does not manage to the "denied" page.
    public static IActionResult? ManagedBranch(this PageModel page, OrganisationSnapshot org, string branch, out BranchEntry entry)
    {
        entry = null!;
        if (!Ids.TryParse<BranchId>(branch, out var id) || !org.Branches.TryGetValue(id, out var found)) return page.NotFound();
        if (!Caller.From(page.User).Manages(id)) return page.Forbid(PageTokenHandler.SchemeName);
        entry = found;
        return null;
    }

    public static string RoleName(Role role) => role switch
    {
        Role.Admin => "管理员",
        Role.Secretary => "支部书记",
        Role.Appraiser => "考核人员",
        _ => "党员",
    };
}
