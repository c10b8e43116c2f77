using PointsEngine.Api.Registry;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Web;

/// Who belongs to a branch on a date (the roster a meeting's attendance list starts from): enrolled or
/// transferred in by then and not yet gone, by party group, then id.
public static class Roster
{
    public static IReadOnlyList<MemberEntry> Of(OrganisationSnapshot org, BranchId branch, DateOnly on) =>
        [.. org.Members.Values
            .Where(m => m.BranchHistory[0].From <= on && m.BranchOn(on) == branch && !m.HasLeftBy(on))
            .OrderBy(m => m.Group?.Value ?? "\uffff", StringComparer.Ordinal)
            .ThenBy(m => m.Id.Value, StringComparer.Ordinal)];

    /// A member's name for a page, or what was given when it names no enrolled member.
    public static string NameOf(OrganisationSnapshot org, string? member) =>
        member is not null && Ids.TryParse<MemberId>(member, out var id) && org.Members.TryGetValue(id, out var m) ? m.Name : member ?? "";
}
