using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Writing;

/// Small helpers the endpoints' fact builders share.
public static class Drafts
{
    public static ValueTask<Draft> Done(Draft draft) => ValueTask.FromResult(draft);

    /// 404 for a member the directory does not know (so the branch scope can be judged), else null.
    public static Draft? KnownMember(OrganisationSnapshot org, MemberId member) =>
        org.Members.ContainsKey(member) ? null : (Draft)FactConsistency.UnknownMember("member", member);

    /// A member's own submission (a suggestion, a golden idea): the member, a title and a date; the branch
    /// is the member's on that date.
    public static Draft Submission(string? member, string? title, DateOnly? occurredOn, OrganisationSnapshot org,
        Func<MemberId, BranchId, string, DateOnly, IFact> make)
    {
        var e = new FieldErrors();
        var who = e.Id<MemberId>(member, "member");
        var text = e.Text(title, "title", max: 200);
        var on = e.Date(occurredOn, "occurredOn");
        if (e.Any) return e.ToProblem();
        if (!org.Members.TryGetValue(who!.Value, out var entry)) return FactConsistency.UnknownMember("member", who.Value);
        return Draft.Of(make(who.Value, entry.BranchOn(on!.Value), text!, on.Value));
    }
}
