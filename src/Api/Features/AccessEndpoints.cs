using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Access.Accounts;
using PointsEngine.Domain.Accounts;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Features;

/// Bearer tokens: an admin issues them for other people; anyone can ask who their token says they are.
/// Tokens are stateless (signed, with an expiry) and never logged.
public static class AccessEndpoints
{
    // #18: a year at most, 90 days unless asked, as for the tokens issued to accounts.
    public const int MaxLifetimeDays = AccountTokens.MaxLifetimeDays;
    public const int DefaultLifetimeDays = AccountTokens.DefaultLifetimeDays;

    /// Role: admin, secretary (with branches), appraiser, member (with member). Subject defaults to the
    /// member id for members; it is the name every fact the token records is attributed to.
    public sealed record IssueTokenRequest(string? Subject, string? Name, string? Role, List<string?>? Branches, string? Member, int? ExpiresInDays);

    public sealed record IssuedToken(string Token, string Subject, string Name, string Role, IReadOnlyList<string> Branches, string? Member, DateTimeOffset ExpiresAt);

    public sealed record SetRoleRequest(string? Role, List<string?>? Branches);

    public sealed record AccountRole(string Account, string Role, IReadOnlyList<string> Branches);

    public sealed record IssueAccountTokenRequest(string? Name, int? ExpiresInDays);

    /// An integration token as listed: never the token itself, which is shown once when issued.
    public sealed record AccountTokenInfo(string Id, string Name, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string IssuedBy, DateTimeOffset? RevokedAt, string State);

    public sealed record AccountTokenList(string Account, IReadOnlyList<AccountTokenInfo> Tokens);

    public sealed record IssuedAccountToken(string Token, AccountTokenInfo Info);

    public sealed record Me(string Subject, string Name, string Role, IReadOnlyList<string> Branches, string? Member);

    public static RouteGroupBuilder MapAccess(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/access").WithTags("Access 访问控制");

        group.MapPost("/tokens", Results<Created<IssuedToken>, ProblemHttpResult> (IssueTokenRequest body, OrganisationDirectory directory, TokenService tokens) =>
            {
                var e = new FieldErrors();
                var (role, branches) = RoleAndBranches(e, body.Role, body.Branches);
                var member = e.Id<MemberId>(body.Member, "member", required: false);
                var subject = e.Text(body.Subject ?? member?.Value, "subject", max: 128);
                var name = e.Text(body.Name ?? subject, "name", max: 100);
                var days = body.ExpiresInDays ?? DefaultLifetimeDays;
                if (days is < 1 or > MaxLifetimeDays)
                    e.Add("expiresInDays", "out-of-range", $"有效期须为 1–{MaxLifetimeDays} 天。", $"expiresInDays must lie in 1–{MaxLifetimeDays}.");
                if (role == Role.Secretary && body.Branches is not { Count: > 0 })
                    e.Add("branches", "required", "支部书记的令牌须列出其负责的支部。", "A secretary's token lists the branches they keep.");
                if (role == Role.Member && member is null)
                    e.Add("member", "required", "党员的令牌须指明党员编号。", "A member's token names the member.");
                if (e.Any) return e.ToProblem().ToResult();

                var org = directory.Current;
                if (UnknownBranch(branches, org) is { } unknown) return unknown.ToResult();
                if (member is { } m && !org.Members.ContainsKey(m))
                    return ApiProblem.Field(404, "member", "unknown-member", $"党员 {m} 不存在。", $"Member {m} is not enrolled.").ToResult();

                var (token, grant) = tokens.IssueNew(subject!, name!, role, role == Role.Secretary ? branches : [], role == Role.Member ? member : null, TimeSpan.FromDays(days));
                return TypedResults.Created((string?)null, new IssuedToken(token, grant.Subject, grant.Name, Roles.NameOf(grant.Role),
                    [.. grant.Branches.Select(b => b.Value)], grant.Member?.Value, grant.ExpiresAt));
            })
            .RequireAuthorization(AccessPolicies.Admin)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).WithSummary("Issue a bearer token 签发访问令牌");

        group.MapGet("/me", (Caller caller) => TypedResults.Ok(new Me(caller.Subject, caller.Name, Roles.NameOf(caller.Role),
                [.. caller.Branches.Select(b => b.Value).Order(StringComparer.Ordinal)], caller.Member?.Value)))
            .RequireAuthorization(AccessPolicies.Reader).ProducesProblem(401).WithSummary("Who the token says the caller is 当前身份");

        // #18: what an account may do is the organisation's decision, read on every request: a member made
        // secretary has the secretary's pages on their next click, with no new token or sign-in.
        app.MapPut("/api/accounts/{account}/role", async Task<Results<Ok<AccountRole>, ProblemHttpResult>> (
                string account, SetRoleRequest body, AccountBook book, OrganisationDirectory directory, Caller caller, TimeProvider clock, CancellationToken ct) =>
            {
                var e = new FieldErrors();
                var (role, branches) = RoleAndBranches(e, body.Role, body.Branches);
                if (role == Role.Secretary && branches.Count == 0)
                    e.Add("branches", "required", "支部书记须列出其负责的支部。", "A secretary keeps at least one branch.");
                if (e.Any) return e.ToProblem().ToResult();
                if (UnknownBranch(branches, directory.Current) is { } unknown) return unknown.ToResult();
                await book.CatchUpAsync(ct);
                if (book.Find(account) is not { } found)
                    return ApiProblem.Field(404, "account", "unknown-account", $"没有账号 {account}。", $"There is no account {account}.").ToResult();
                // A member's secretary role is the organisation's fact (POST /api/branches/{b}/secretaries), not
                // an account setting; this endpoint keeps the roles the organisation has no fact for.
                if (role == Role.Secretary && found.Member is { } m)
                    return ApiProblem.Field(409, "role", "secretary-by-appointment",
                        $"党员 {m} 的支部书记身份来自组织的任职记录：请在“组织”页面（或 POST /api/branches/{{支部}}/secretaries）登记任职。",
                        $"Member {m} becomes a branch's secretary by the organisation's appointment (POST /api/branches/{{branch}}/secretaries), not by an account setting.").ToResult();
                var (state, _) = await book.DecideAsync(account, s => AccountRules.SetRole(s!, Roles.NameOf(role), role == Role.Secretary ? branches : [],
                    caller.Subject, clock.GetUtcNow()), caller.Subject, ct);
                return TypedResults.Ok(new AccountRole(account, state!.Role, [.. state.Branches.Select(b => b.Value)]));
            })
            .WithTags("Access 访问控制")
            .RequireAuthorization(AccessPolicies.Admin)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).WithSummary("Set what an account may do 设置账号角色");

        MapAccountTokens(app);
        return group;
    }

    /// #18: integration tokens issued to an account, listed and revoked one by one; admins for every account,
    /// a secretary for their branches' members (<see cref="AccountAccess"/>).
    private static void MapAccountTokens(IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/api/accounts/{account}/tokens").WithTags("Access 访问控制").RequireAuthorization(AccessPolicies.Recorder);

        tokens.MapGet("", async Task<Results<Ok<AccountTokenList>, ProblemHttpResult>> (
                string account, AccountBook book, OrganisationDirectory directory, Caller caller, TimeProvider clock, CancellationToken ct) =>
            {
                if (await ManagedAsync(account, book, directory, caller, ct) is { } refused) return refused.ToResult();
                var now = clock.GetUtcNow();
                return TypedResults.Ok(new AccountTokenList(account, [.. book.Find(account)!.Tokens.Values
                    .OrderByDescending(t => t.IssuedAt).ThenBy(t => t.TokenId, StringComparer.Ordinal).Select(t => Info(t, now))]));
            })
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).WithSummary("An account's integration tokens 账号的集成令牌");

        tokens.MapPost("", async Task<Results<Created<IssuedAccountToken>, ProblemHttpResult>> (
                string account, IssueAccountTokenRequest body, HttpRequest request, AccountBook book, IntegrationTokens integration,
                OrganisationDirectory directory, Caller caller, TimeProvider clock, CancellationToken ct) =>
            {
                string? key = request.Headers[IdempotencyKeys.Header];
                if (IdempotencyKeys.Check(key) is { } badKey) return badKey.ToResult();
                var e = new FieldErrors();
                var name = e.Text(body.Name, "name", max: AccountTokens.MaxNameLength);
                if (e.Any) return e.ToProblem().ToResult();
                if (await ManagedAsync(account, book, directory, caller, ct) is { } refused) return refused.ToResult();
                var (issued, no) = await integration.IssueAsync(account, name, body.ExpiresInDays, caller.Subject, key, ct);
                if (no is not null) return no.ToProblem(no.Code switch { "out-of-range" => "expiresInDays", "name-required" => "name", _ => "account" }).ToResult();
                return TypedResults.Created($"/api/accounts/{account}/tokens", new IssuedAccountToken(issued!.Token, Info(issued.Info, clock.GetUtcNow())));
            })
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Issue an integration token to an account (shown once) 签发集成令牌");

        tokens.MapDelete("/{token}", async Task<Results<Ok<AccountTokenInfo>, ProblemHttpResult>> (
                string account, string token, IntegrationTokens integration, AccountBook book, OrganisationDirectory directory, Caller caller,
                TimeProvider clock, CancellationToken ct) =>
            {
                if (await ManagedAsync(account, book, directory, caller, ct) is { } refused) return refused.ToResult();
                var (state, no) = await integration.RevokeAsync(account, token, caller.Subject, ct);
                if (no is not null) return no.ToProblem("token").ToResult();
                return TypedResults.Ok(Info(state!.Tokens[token], clock.GetUtcNow()));
            })
            .ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).WithSummary("Revoke one integration token 收回集成令牌");
    }

    private static async Task<ApiProblem?> ManagedAsync(string account, AccountBook book, OrganisationDirectory directory, Caller caller, CancellationToken ct)
    {
        await book.CatchUpAsync(ct);
        if (book.Find(account) is not { } state)
            return ApiProblem.Field(404, "account", "unknown-account", $"没有账号 {account}。", $"There is no account {account}.");
        return AccountAccess.Manages(caller, state, directory.Current) ? null
            : new ApiProblem(403, "account-forbidden", "你无权管理这个账号。", "You may not manage this account.");
    }

    public static AccountTokenInfo Info(IntegrationToken t, DateTimeOffset now) =>
        new(t.TokenId, t.Name, t.IssuedAt, t.ExpiresAt, t.By, t.RevokedAt, t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= now ? "expired" : "live");

    /// A role by its wire name and the branches it keeps, as a token request and a role change both give them.
    private static (Role Role, List<BranchId> Branches) RoleAndBranches(FieldErrors e, string? roleName, List<string?>? branchIds)
    {
        if (!Roles.TryParse(roleName, out var role))
            e.Add("role", "unknown-value", "role 须为 admin、secretary、appraiser 或 member。", "role must be admin, secretary, appraiser or member.");
        var branches = new List<BranchId>();
        for (var i = 0; i < (branchIds?.Count ?? 0); i++)
            if (e.Id<BranchId>(branchIds![i], $"branches[{i}]") is { } b) branches.Add(b);
        return (role, branches);
    }

    private static ApiProblem? UnknownBranch(List<BranchId> branches, OrganisationSnapshot org) =>
        branches.Select((b, i) => (b, i)).Where(x => !org.Branches.ContainsKey(x.b))
            .Select(x => ApiProblem.Field(404, $"branches[{x.i}]", "unknown-branch", $"支部 {x.b} 不存在。", $"Branch {x.b} is not registered."))
            .FirstOrDefault();
}
