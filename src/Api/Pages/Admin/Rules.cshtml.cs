using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Features;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Rules;
using PointsEngine.Projections.Simulation;
using PointsEngine.Store;

namespace PointsEngine.Api.Pages.Admin;

/// The admin's rule set (#20): the rules in force on a date, in words; a draft kept per admin (RuleDrafts),
/// edited in a form for the common fields or as JSON, with every problem beside its field; the draft previewed
/// against the real history (the API's simulation); published with an effective date, once confirmed.
[Microsoft.AspNetCore.Authorization.Authorize(Policy = WebAccess.Admin)]
public sealed class RulesModel(RuleDrafts drafts, FactWriter writer, OrganisationDirectory directory, IEventStore store, EventSerializer serializer,
    ScoringHost scoring, IOptions<ApiSettings> settings, TimeProvider clock) : PageModel
{
    /// What the publish form asks to be confirmed: the version, the date, and the draft's text as confirmed.
    public sealed record Confirmation(string Version, DateOnly EffectiveFrom, string Digest, string FormKey);

    public static readonly IReadOnlyDictionary<string, string> OwnLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["document"] = "规则 JSON", ["effectiveFrom"] = "生效日期", ["on"] = "日期", ["year"] = "年度", ["draft"] = "草稿",
    };

    public DateOnly On { get; private set; }
    public RuleSet? InForce { get; private set; }
    public RuleDraft? Draft { get; private set; }
    /// The draft's text as shown in the editor: as saved, or as posted when it could not be saved.
    public string DraftText { get; private set; } = "";
    public RuleSet? DraftSet { get; private set; }
    public IReadOnlyList<RuleSetProblem> Problems { get; private set; } = [];
    public IReadOnlyList<RuleSetFields.Field> Fields { get; private set; } = [];
    public FormErrors Errors { get; private set; } = FormErrors.None;
    public string? Message { get; private set; }
    public SimulationResult? Simulation { get; private set; }
    public int Year { get; private set; }
    public Confirmation? Confirm { get; private set; }
    public string PublishKey { get; private set; } = FormWrite.NewKey();

    public string Today => Iso(DateOnly.FromDateTime(clock.GetLocalNow().DateTime));

    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// The line of the draft's JSON a problem points at.
    public int? LineOf(string path) => RuleSetFields.LineOf(DraftText, path);

    private string Owner => Caller.From(User).Subject;

    public async Task<IActionResult> OnGetAsync(string? on, CancellationToken ct)
    {
        var e = new FieldErrors();
        var date = on is null ? null : e.Date(Date(on), "on");
        await LoadAsync(date, ct);
        if (e.Any) return Refuse(e.ToProblem());
        return Page();
    }

    /// The draft against the real history of a year: every member's total and each branch's ranking before → after.
    public async Task<IActionResult> OnGetPreviewAsync(string? year, CancellationToken ct)
    {
        await LoadAsync(null, ct);
        var q = new QueryParameters(clock);
        Year = q.Year(year);
        if (q.Any) return Refuse(q.Problem());
        if (Draft is null) return Refuse(NoDraft());
        if (RuleSimulation.Draft(DraftText) is not ({ } draft, _)) return Refuse(RuleEndpoints.Problem(Problems));
        Simulation = await RuleSimulationEndpoints.SimulateAsync(draft, Year, store, serializer, scoring, settings.Value, ct);
        return Page();
    }

    /// A new draft: the rule set in force on the date shown (or the shipped template when none is), replacing any draft.
    public async Task<IActionResult> OnPostStartAsync(string? on, CancellationToken ct)
    {
        var e = new FieldErrors();
        var date = e.Date(Date(on), "on", required: false) ?? DateOnly.Parse(Today, CultureInfo.InvariantCulture);
        if (e.Any) { await LoadAsync(null, ct); return Refuse(e.ToProblem()); }
        var org = directory.Current;
        var text = org.Rules.InForceOn(date) is { } set && org.RuleDocuments.TryGetValue(set.Version, out var published)
            ? published.Document : RuleSetDocument.DefaultDocument();
        await drafts.SaveAsync(Owner, text, clock.GetUtcNow(), ct);
        await LoadAsync(date, ct);
        Message = InForce is { } f ? $"已以 {Iso(date)} 生效的「{f.Name}」（{f.Version}）为草稿。Draft started from the rules in force." : "已以通用规则模板为草稿。Draft started from the shipped template.";
        return Page();
    }

    /// The common fields, posted under their JSON paths, put into the draft.
    public async Task<IActionResult> OnPostFormAsync(CancellationToken ct)
    {
        if (await drafts.FindAsync(Owner, ct) is not { } draft) { await LoadAsync(null, ct); return Refuse(NoDraft()); }
        var posted = Request.Form.Where(f => f.Key.StartsWith('$')).Select(f => KeyValuePair.Create(f.Key, (string?)f.Value.ToString()));
        var (text, unknown) = RuleSetFields.Apply(draft.Document, posted);
        if (unknown.Count > 0)
        {
            var e = new FieldErrors();
            foreach (var path in unknown)
                e.Add(path, "stale-form", "这一栏已不在草稿中（草稿在别处改过），请重新打开本页。", "This field is no longer in the draft (it was changed elsewhere); reload the page.");
            await LoadAsync(null, ct);
            return Refuse(e.ToProblem(StatusCodes.Status409Conflict));
        }
        return await SaveAsync(text, ct);
    }

    /// The whole draft as JSON, kept as written (invalid or not: a draft may be work in progress).
    public async Task<IActionResult> OnPostJsonAsync(string? document, CancellationToken ct)
    {
        document ??= "";
        if (document.Length > RuleDrafts.MaxLength || document.Trim().Length == 0)
        {
            await LoadAsync(null, ct);
            DraftText = document.Length > RuleDrafts.MaxLength ? DraftText : document;
            return Refuse(ApiProblem.Field(document.Length > RuleDrafts.MaxLength ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, "document",
                document.Length > RuleDrafts.MaxLength ? "too-large" : "required",
                document.Length > RuleDrafts.MaxLength ? $"规则 JSON 不能超过 {RuleDrafts.MaxLength / 1024} KB，未保存。" : "规则 JSON 不能为空，未保存。",
                document.Length > RuleDrafts.MaxLength ? $"The draft may be at most {RuleDrafts.MaxLength / 1024} KB; nothing was saved." : "The draft is empty; nothing was saved."));
        }
        return await SaveAsync(document, ct);
    }

    public async Task<IActionResult> OnPostDiscardAsync(CancellationToken ct)
    {
        await drafts.DiscardAsync(Owner, ct);
        await LoadAsync(null, ct);
        Message = "草稿已删除，未发布任何内容。Draft discarded; nothing was published.";
        return Page();
    }

    /// Publishes the draft from the chosen date: first answered with what would be published (version and date) to
    /// confirm; confirmed, one RuleSetPublished fact is recorded under the form's key and the draft removed. A repeat of
    /// the same form (a double click, a retry after the draft was removed) is answered with the first result.
    public async Task<IActionResult> OnPostPublishAsync(string? effectiveFrom, string? confirm, string? digest, string? formKey, CancellationToken ct)
    {
        var owner = Owner;
        var e = new FieldErrors();
        var date = e.Date(Date(effectiveFrom), "effectiveFrom");
        if (e.Any) { await LoadAsync(null, ct); return Refuse(e.ToProblem()); }
        var draft = await drafts.FindAsync(owner, ct);
        if (confirm != "yes")
        {
            await LoadAsync(null, ct);
            if (draft is null) return Refuse(NoDraft());
            var (text, _) = Dated(draft.Document, date!.Value);
            var (set, problems) = RuleSetDocument.Validate(text);
            if (set is null) return Refuse(RuleEndpoints.Problem(problems));
            Confirm = new Confirmation(set.Version.Value, date.Value, Digest(draft.Document), formKey ?? FormWrite.NewKey());
            return Page();
        }

        string? published = null;
        var outcome = await writer.RecordAsync(HttpContext, formKey, (id, org, _) =>
        {
            // Recorded already under this key (the draft may be gone since): the same fact again.
            if (org.RuleDocuments.Values.FirstOrDefault(p => p.FactId == id) is { } earlier) return ValueTask.FromResult(Writing.Draft.Of(earlier));
            if (draft is null) return ValueTask.FromResult<Draft>(NoDraft());
            if (digest != Digest(draft.Document))
                return ValueTask.FromResult<Draft>(ApiProblem.Field(StatusCodes.Status409Conflict, "draft", "draft-changed",
                    "确认之后草稿又改过，未发布；请核对后重新发布。", "The draft changed after it was confirmed; nothing was published. Check it and publish again."));
            var (text, _) = Dated(draft.Document, date!.Value);
            var (set, problems) = RuleSetDocument.Validate(text);
            if (set is null) return ValueTask.FromResult<Draft>(RuleEndpoints.Problem(problems));
            published = text;
            return ValueTask.FromResult(Writing.Draft.Of(new RuleSetPublished(id, set.EffectiveFrom, set.Version, set.EffectiveFrom, text)));
        }, ct);
        if (outcome.Problem is { } problem) { await LoadAsync(null, ct); return Refuse(problem); }
        // Only once the fact is recorded; the draft it came from (if still the same) goes.
        if (published is not null && draft is not null && await drafts.FindAsync(owner, ct) is { } still && still.Document == draft.Document)
            await drafts.DiscardAsync(owner, ct);
        await LoadAsync(date, ct);
        var version = InForce?.Version.Value;
        Message = $"已发布积分规则 {version}，自 {Iso(date!.Value)} 起生效。Published {version}, in force from {Iso(date.Value)}."
            + (outcome.Replayed ? "（此表单已提交过，只发布一次 / already submitted, published once）" : "");
        return Page();
    }

    private async Task<IActionResult> SaveAsync(string text, CancellationToken ct)
    {
        await drafts.SaveAsync(Owner, text, clock.GetUtcNow(), ct);
        await LoadAsync(null, ct);
        Message = Problems.Count == 0
            ? "草稿已保存，校验通过。Draft saved; it validates."
            : $"草稿已保存，但有 {Problems.Count} 处需要修改才能预览或发布，见各栏旁。Draft saved with {Problems.Count} problem(s), each shown beside its field.";
        return Page();
    }

    private async Task LoadAsync(DateOnly? on, CancellationToken ct)
    {
        On = on ?? DateOnly.Parse(Today, CultureInfo.InvariantCulture);
        InForce = directory.Current.Rules.InForceOn(On);
        Draft = await drafts.FindAsync(Owner, ct);
        DraftText = Draft?.Document ?? "";
        Year = On.Year;
        if (Draft is null) return;
        (DraftSet, Problems) = RuleSetDocument.Validate(DraftText);
        Fields = RuleSetFields.Of(DraftText);
        if (Problems.Count > 0) Errors = new FormErrors(RuleEndpoints.Problem(Problems), Labels());
    }

    private PageResult Refuse(ApiProblem problem)
    {
        Errors = new FormErrors(problem, Labels());
        Response.StatusCode = problem.Status;
        return Page();
    }

    private Dictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(OwnLabels, StringComparer.Ordinal);
        foreach (var f in Fields) labels[f.Path] = f.Label;
        return labels;
    }

    private static ApiProblem NoDraft() => ApiProblem.Field(StatusCodes.Status409Conflict, "draft", "no-draft",
        "还没有草稿：请先“从在用规则开始”。", "There is no draft yet: start one from the rules in force.");

    /// The draft with the effective date chosen on the publish form (as written when it already says that date).
    private static (string Text, IReadOnlyList<string> Unknown) Dated(string document, DateOnly date) =>
        RuleSetFields.Of(document).Any(f => f.Path == "$.effectiveFrom" && f.Value == Iso(date))
            ? (document, [])
            : RuleSetFields.Apply(document, [KeyValuePair.Create("$.effectiveFrom", (string?)Iso(date))]);

    private static string Digest(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)))[..16];

    private static DateOnly? Date(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
