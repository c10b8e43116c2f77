using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using static PointsEngine.Api.Writing.Drafts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Features;

/// Setting up the organisation: network zones and branches (admin), party groups and members (admin or
/// the branch's secretary), and members' transfers, departures and changes of category or status.
public static class OrganisationEndpoints
{
    public sealed record RegisterZoneRequest(string? Zone, string? Name, DateOnly? OccurredOn);
    public sealed record RegisterBranchRequest(string? Branch, string? Name, string? Zone, DateOnly? OccurredOn);
    public sealed record RegisterPartyGroupRequest(string? Group, string? Branch, string? Name, DateOnly? OccurredOn);

    /// Status defaults to Full (正式党员) and category to Regular (普通).
    public sealed record EnrolMemberRequest(
        string? Member, string? Name, string? Branch, string? Group, string? Status, string? Category, DateOnly? OccurredOn);

    public sealed record TransferMemberRequest(string? ToBranch, string? ToGroup, DateOnly? OccurredOn);
    public sealed record MemberLeavesRequest(string? Reason, DateOnly? OccurredOn);
    public sealed record ChangeCategoryRequest(string? Category, string? Reason, DateOnly? OccurredOn);
    public sealed record ChangeStatusRequest(string? Status, DateOnly? OccurredOn);
    public sealed record AppointSecretaryRequest(string? Member, DateOnly? OccurredOn);
    public sealed record RelieveSecretaryRequest(string? Reason, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapOrganisation(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Organisation 组织");

        group.MapPost("/network-zones", (RegisterZoneRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var zone = e.Id<NetworkZoneId>(body.Zone, "zone");
                var name = e.Text(body.Name, "name", max: 100);
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new NetworkZoneRegistered(id, on!.Value, zone!.Value, name!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Register a network zone 登记网络区");

        group.MapPost("/branches", (RegisterBranchRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var branch = e.Id<BranchId>(body.Branch, "branch");
                var name = e.Text(body.Name, "name", max: 100);
                var zone = e.Id<NetworkZoneId>(body.Zone, "zone", required: false);
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new BranchRegistered(id, on!.Value, branch!.Value, name!, zone)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Register a branch 登记党支部");

        group.MapPost("/party-groups", (RegisterPartyGroupRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var partyGroup = e.Id<PartyGroupId>(body.Group, "group");
                var branch = e.Id<BranchId>(body.Branch, "branch");
                var name = e.Text(body.Name, "name", max: 100);
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new PartyGroupRegistered(id, on!.Value, partyGroup!.Value, branch!.Value, name!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Register a party group 登记党小组");

        group.MapPost("/members", (EnrolMemberRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var member = e.Id<MemberId>(body.Member, "member");
                var name = e.Text(body.Name, "name", max: 100);
                var branch = e.Id<BranchId>(body.Branch, "branch");
                var partyGroup = e.Id<PartyGroupId>(body.Group, "group", required: false);
                var status = e.Enum<MemberStatus>(body.Status, "status", required: false) ?? MemberStatus.Full;
                var category = e.Enum<MemberCategory>(body.Category, "category", required: false) ?? MemberCategory.Regular;
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new MemberEnrolled(id, on!.Value, member!.Value, name!, branch!.Value, partyGroup, status, category)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Enrol a member 登记党员");

        group.MapPost("/members/{member}/transfers", (string member, TransferMemberRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) =>
            {
                var e = new FieldErrors();
                var who = e.Id<MemberId>(member, "member");
                var to = e.Id<BranchId>(body.ToBranch, "toBranch");
                var toGroup = e.Id<PartyGroupId>(body.ToGroup, "toGroup", required: false);
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return Done(e.ToProblem());
                if (!org.Members.TryGetValue(who!.Value, out var entry)) return Done(FactConsistency.UnknownMember("member", who.Value));
                return Done(Draft.Of(new MemberTransferred(id, on!.Value, who.Value, entry.BranchOn(on.Value, ignoring: id), to!.Value, toGroup)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Transfer a member (by the source branch) 组织关系转接");

        group.MapPost("/members/{member}/departures", (string member, MemberLeavesRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) =>
            {
                var e = new FieldErrors();
                var who = e.Id<MemberId>(member, "member");
                var reason = e.Text(body.Reason, "reason");
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return Done(e.ToProblem());
                return Done(KnownMember(org, who!.Value) ?? Draft.Of(new MemberLeft(id, on!.Value, who.Value, reason!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("A member leaves the organisation 党员离开");

        group.MapPost("/members/{member}/category-changes", (string member, ChangeCategoryRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) =>
            {
                var e = new FieldErrors();
                var who = e.Id<MemberId>(member, "member");
                var category = e.Enum<MemberCategory>(body.Category, "category");
                var reason = e.Text(body.Reason, "reason");
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return Done(e.ToProblem());
                return Done(KnownMember(org, who!.Value) ?? Draft.Of(new MemberCategoryChanged(id, on!.Value, who.Value, category!.Value, reason!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Change a member's category 变更党员类别");

        group.MapPost("/members/{member}/status-changes", (string member, ChangeStatusRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) =>
            {
                var e = new FieldErrors();
                var who = e.Id<MemberId>(member, "member");
                var status = e.Enum<MemberStatus>(body.Status, "status");
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return Done(e.ToProblem());
                return Done(KnownMember(org, who!.Value) ?? Draft.Of(new MemberStatusChanged(id, on!.Value, who.Value, status!.Value)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Change a member's status, e.g. 预备党员转正");

        // #18: the secretary of a branch is whoever the organisation says; an account bound to that member
        // has the secretary's role and branch on its next request, and loses them when relieved.
        group.MapPost("/branches/{branch}/secretaries", (string branch, AppointSecretaryRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var office = e.Id<BranchId>(branch, "branch");
                var who = e.Id<MemberId>(body.Member, "member");
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new BranchSecretaryAppointed(id, on!.Value, office!.Value, who!.Value)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Appoint a branch's secretary 登记支部书记任职");

        group.MapPost("/branches/{branch}/secretaries/{member}/relief", (string branch, string member, RelieveSecretaryRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) =>
            {
                var e = new FieldErrors();
                var office = e.Id<BranchId>(branch, "branch");
                var who = e.Id<MemberId>(member, "member");
                var reason = e.Text(body.Reason, "reason");
                var on = e.Date(body.OccurredOn, "occurredOn");
                return Done(e.Any ? e.ToProblem() : Draft.Of(new BranchSecretaryRelieved(id, on!.Value, office!.Value, who!.Value, reason!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Admin).DocumentedAsWrite().WithSummary("Relieve a branch's secretary 登记支部书记卸任");

        return group;
    }
}
