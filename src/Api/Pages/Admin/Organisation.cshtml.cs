using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Pages.Admin;

/// 组织设置 for a first run in the browser: publish the shipped rule set, register a branch and its party
/// groups, enrol members (one per line), and issue access tokens. Every write goes through FactWriter.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Admin)]
public sealed class OrganisationModel(FactWriter writer, OrganisationDirectory directory, TokenService tokens, TimeProvider clock) : PageModel
{
    public sealed record Issued(string Token, string Name, string Role, DateTimeOffset ExpiresAt);

    public OrganisationSnapshot Org { get; private set; } = OrganisationSnapshot.Empty;
    public string Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    /// The form the message or errors belong to: rules, branch, group, members, token.
    public string? Active { get; private set; }
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public string? Message { get; private set; }
    public Issued? Token { get; private set; }
    public IReadOnlyDictionary<string, string?> Posted { get; private set; } = new Dictionary<string, string?>();
    public string? PostedKey { get; private set; }

    public string KeyFor(string form) => Active == form && Errors.Any && PostedKey is not null ? PostedKey : FormWrite.NewKey();
    public string? Value(string form, string field) => Active == form && Errors.Any ? Posted.GetValueOrDefault(field) : null;

    public void OnGet() => Org = directory.Current;

    public async Task<IActionResult> OnPostRulesAsync(string? formKey, CancellationToken ct)
    {
        Begin("rules", formKey);
        var text = RuleSetDocument.DefaultDocument();
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, _, _) =>
        {
            var (set, problems) = RuleSetDocument.Validate(text);
            if (set is null) return ValueTask.FromResult<Draft>(RuleEndpoints.Problem(problems));
            return ValueTask.FromResult(Draft.Of(new RuleSetPublished(id, set.EffectiveFrom, set.Version, set.EffectiveFrom, text)));
        }, ct);
        return Done(outcome, "已发布通用积分规则。Published the default rule set.");
    }

    public async Task<IActionResult> OnPostBranchAsync(string? branch, string? name, string? occurredOn, string? formKey, CancellationToken ct)
    {
        Begin("branch", formKey, ("branch", branch), ("name", name), ("occurredOn", occurredOn));
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, _, _) =>
        {
            var e = new FieldErrors();
            var b = e.Id<BranchId>(Blank(branch), "branch");
            var n = e.Text(name ?? "", "name", max: 100);
            var on = e.Date(Date(occurredOn), "occurredOn");
            return ValueTask.FromResult(e.Any ? e.ToProblem() : Draft.Of(new BranchRegistered(id, on!.Value, b!.Value, n!, null)));
        }, ct);
        return Done(outcome, $"已登记支部 {name}。Registered the branch.");
    }

    public async Task<IActionResult> OnPostGroupAsync(string? group, string? branch, string? name, string? occurredOn, string? formKey, CancellationToken ct)
    {
        Begin("group", formKey, ("group", group), ("branch", branch), ("name", name), ("occurredOn", occurredOn));
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, _, _) =>
        {
            var e = new FieldErrors();
            var g = e.Id<PartyGroupId>(Blank(group), "group");
            var b = e.Id<BranchId>(Blank(branch), "branch");
            var n = e.Text(name ?? "", "name", max: 100);
            var on = e.Date(Date(occurredOn), "occurredOn");
            return ValueTask.FromResult(e.Any ? e.ToProblem() : Draft.Of(new PartyGroupRegistered(id, on!.Value, g!.Value, b!.Value, n!)));
        }, ct);
        return Done(outcome, $"已登记党小组 {name}。Registered the party group.");
    }

    /// One member per line, `编号,姓名[,党小组编号]`. Every line is checked before any is written; each
    /// line is its own fact keyed by the form's key and its line, so submitting the same form again
    /// (after a failure part-way) enrols the rest and nobody twice.
    public async Task<IActionResult> OnPostMembersAsync(string? branch, string? lines, string? status, string? occurredOn, string? formKey, CancellationToken ct)
    {
        Begin("members", formKey, ("branch", branch), ("lines", lines), ("status", status), ("occurredOn", occurredOn));
        var org = directory.Current;
        var e = new FieldErrors();
        var b = e.Id<BranchId>(Blank(branch), "branch");
        var on = e.Date(Date(occurredOn), "occurredOn");
        var memberStatus = e.Enum<MemberStatus>(status, "status", required: false) ?? MemberStatus.Full;
        var rows = (lines ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (rows.Length == 0) e.Add("lines", "required", "请至少填写一名党员（每行：编号,姓名[,党小组编号]）。", "Enter at least one member (one per line: id,name[,party group id]).");
        var parsed = new List<(MemberId Id, string Name, PartyGroupId? Group)>();
        var seen = new HashSet<MemberId>();
        for (var i = 0; i < rows.Length; i++)
        {
            var cells = rows[i].Split([',', '，', '\t'], StringSplitOptions.TrimEntries);
            var field = $"lines[{i + 1}]";
            if (cells.Length is < 2 or > 3)
            {
                e.Add(field, "bad-line", $"第 {i + 1} 行“{rows[i]}”格式不对，应为：编号,姓名[,党小组编号]。", $"Line {i + 1} should read id,name[,party group id].");
                continue;
            }
            var id = e.Id<MemberId>(cells[0], field);
            var name = e.Text(cells[1], field, max: 100);
            var group = cells.Length == 3 && cells[2].Length > 0 ? e.Id<PartyGroupId>(cells[2], field) : null;
            if (id is not { } m || name is null) continue;
            if (!seen.Add(m)) e.Add(field, "duplicate-member", $"第 {i + 1} 行：编号 {m} 重复。", $"Line {i + 1}: {m} is listed twice.");
            else if (org.Members.ContainsKey(m) && !Retrying(formKey, i, org))
                e.Add(field, "already-enrolled", $"第 {i + 1} 行：党员 {m} 已登记。", $"Line {i + 1}: member {m} is already enrolled.");
            if (group is { } g && (!org.Groups.TryGetValue(g, out var ge) || ge.Branch != b))
                e.Add(field, "unknown-group", $"第 {i + 1} 行：党小组 {g} 不属于所选支部。", $"Line {i + 1}: party group {g} is not one of this branch's.");
            parsed.Add((m, name, group));
        }
        if (b is { } bb && !org.Branches.ContainsKey(bb)) e.Add("branch", "unknown-branch", $"支部 {bb} 不存在。", $"Branch {bb} is not registered.");
        if (e.Any) return Done(FormOutcome.Refused(e.ToProblem()), "");

        for (var i = 0; i < parsed.Count; i++)
        {
            var (m, name, group) = parsed[i];
            var outcome = await writer.RecordAsync(HttpContext, LineKey(formKey, i), (id, _, _) =>
                ValueTask.FromResult(Draft.Of(new MemberEnrolled(id, on!.Value, m, name, b!.Value, group, memberStatus, MemberCategory.Regular))), ct);
            if (outcome.Problem is not null) return Done(outcome, "");
        }
        return Done(FormOutcome.Ok, $"已登记 {parsed.Count} 名党员。Enrolled {parsed.Count} member(s).");
    }

    /// #18: who keeps a branch as its secretary (支部书记任职/卸任) is recorded here as the organisation's fact;
    /// the member's account has the secretary's pages on its next request, and loses them when relieved.
    public async Task<IActionResult> OnPostSecretaryAsync(string? branch, string? member, string? change, string? reason, string? occurredOn, string? formKey, CancellationToken ct)
    {
        Begin("secretary", formKey, ("branch", branch), ("member", member), ("change", change), ("reason", reason), ("occurredOn", occurredOn));
        var relieve = change == "relieve";
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, _, _) =>
        {
            var e = new FieldErrors();
            var b = e.Id<BranchId>(Blank(branch), "branch");
            var m = e.Id<MemberId>(Blank(member), "member");
            var on = e.Date(Date(occurredOn), "occurredOn");
            var why = relieve ? e.Text(reason ?? "", "reason", max: 200) : null;
            if (e.Any) return ValueTask.FromResult<Draft>(e.ToProblem());
            return ValueTask.FromResult(relieve
                ? Draft.Of(new BranchSecretaryRelieved(id, on!.Value, b!.Value, m!.Value, why!))
                : Draft.Of(new BranchSecretaryAppointed(id, on!.Value, b!.Value, m!.Value)));
        }, ct);
        return Done(outcome, relieve ? $"已登记 {member} 卸任支部书记。Recorded the secretary's relief." : $"已登记 {member} 任支部书记。Recorded the appointment.");
    }

    /// The secretary in office of a branch, by name, for the branches table.
    public string? SecretaryOf(BranchId branch) =>
        Org.Secretaries.Of(branch) is { } term ? $"{(Org.Members.TryGetValue(term.Member, out var m) ? m.Name : term.Member.Value)}（{term.Member}，{term.Since:yyyy-MM-dd} 起）" : null;

    public IActionResult OnPostToken(string? role, string? subject, string? name, string? branches, string? member, int? days)
    {
        Begin("token", null, ("role", role), ("subject", subject), ("name", name), ("branches", branches), ("member", member), ("days", days?.ToString(CultureInfo.InvariantCulture)));
        var org = Org;
        var e = new FieldErrors();
        if (!Roles.TryParse(role, out var r))
            e.Add("role", "unknown-value", "请选择角色。", "Choose a role.");
        var branchIds = new List<BranchId>();
        foreach (var text in (branches ?? "").Split([',', '，', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (e.Id<BranchId>(text, "branches") is { } b)
            {
                if (org.Branches.ContainsKey(b)) branchIds.Add(b);
                else e.Add("branches", "unknown-branch", $"支部 {b} 不存在。", $"Branch {b} is not registered.");
            }
        var m = e.Id<MemberId>(Blank(member), "member", required: false);
        if (m is { } mm && !org.Members.ContainsKey(mm)) e.Add("member", "unknown-member", $"党员 {mm} 不存在。", $"Member {mm} is not enrolled.");
        var who = e.Text(Blank(subject) ?? m?.Value ?? "", "subject", max: 128);
        var display = e.Text(Blank(name) ?? who ?? "", "name", max: 100);
        var lifetime = days ?? AccessEndpoints.DefaultLifetimeDays;
        if (lifetime is < 1 or > AccessEndpoints.MaxLifetimeDays)
            e.Add("days", "out-of-range", $"有效期须为 1–{AccessEndpoints.MaxLifetimeDays} 天。", $"Days must lie in 1–{AccessEndpoints.MaxLifetimeDays}.");
        if (r == Role.Secretary && branchIds.Count == 0 && !e.Any)
            e.Add("branches", "required", "支部书记的令牌须列出其负责的支部。", "A secretary's token lists the branches they keep.");
        if (r == Role.Member && m is null)
            e.Add("member", "required", "党员的令牌须指明党员编号。", "A member's token names the member.");
        if (e.Any) return Done(FormOutcome.Refused(e.ToProblem()), "");
        var (token, grant) = tokens.IssueNew(who!, display!, r, r == Role.Secretary ? branchIds : [], r == Role.Member ? m : null, TimeSpan.FromDays(lifetime));
        Token = new Issued(token, grant.Name, WebAccess.RoleName(grant.Role), grant.ExpiresAt);
        return Done(FormOutcome.Ok, $"已为 {grant.Name} 签发令牌（请复制并交给本人，此页关闭后不再显示）。Token issued: copy it now, it is not shown again.");
    }

    private void Begin(string form, string? key, params (string Field, string? Value)[] posted)
    {
        Active = form;
        PostedKey = key;
        Posted = posted.ToDictionary(p => p.Field, p => p.Value);
        Org = directory.Current;
    }

    private IActionResult Done(FormOutcome outcome, string message)
    {
        Org = directory.Current;
        if (outcome.Problem is { } problem)
        {
            Errors = new FormErrors(problem);
            Response.StatusCode = problem.Status;
        }
        else Message = outcome.Replayed ? message + "（此表单已提交过，未重复登记 / already submitted, recorded once）" : message;
        return Page();
    }

    // A line already enrolled by an earlier submission of this same form is a retry, not a duplicate.
    private bool Retrying(string? key, int line, OrganisationSnapshot org) =>
        key is not null && IdempotencyKeys.Check(key) is null
        && org.Facts.ContainsKey(IdempotencyKeys.FactIdFor(Caller.From(User).Subject, LineKey(key, line)!));

    private static string? LineKey(string? key, int line) => key is null ? null : $"{key}-{line + 1}";

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static DateOnly? Date(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
