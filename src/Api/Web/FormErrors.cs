using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Web;

/// A refused form's reasons, shown next to the fields they are about (Chinese, English below); reasons
/// about no field on the page are listed at the top with the problem's own sentence. The API names a
/// field by its property ("topic 不能为空"); a person reads the field's own Chinese label instead
/// (「主题」不能为空), from <see cref="Labels"/> or the page's own <paramref name="labels"/> (#20 problem 4).
public sealed partial class FormErrors(ApiProblem? problem, IReadOnlyDictionary<string, string>? labels = null)
{
    /// The Chinese label of every field the API checks, as the pages label it.
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["occurredOn"] = "日期", ["kind"] = "类型", ["mode"] = "形式", ["group"] = "党小组", ["topic"] = "主题",
        ["attendance"] = "签到名单", ["member"] = "党员", ["status"] = "出勤", ["hours"] = "时长（小时）",
        ["activity"] = "服务内容", ["title"] = "标题", ["text"] = "内容", ["level"] = "等次", ["fact"] = "记录",
        ["reason"] = "理由", ["points"] = "分值", ["approver"] = "批准人", ["name"] = "名称", ["branch"] = "支部",
        ["zone"] = "网络区", ["category"] = "类别", ["toBranch"] = "转入支部", ["toGroup"] = "转入党小组",
        ["year"] = "年度", ["period"] = "期间", ["answer"] = "答复", ["attachments"] = "附件",
    };

    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

    public static readonly FormErrors None = new(null);

    public bool Any => problem is not null;

    public ApiProblem? Problem => problem;

    public bool Has(string field) => problem?.Errors?.ContainsKey(field) == true;

    /// The reasons for one field (marks them shown).
    public IHtmlContent For(string field)
    {
        if (problem?.Errors is null || !problem.Errors.TryGetValue(field, out var list)) return HtmlString.Empty;
        _shown.Add(field);
        return Render(field, list);
    }

    /// The problem's sentence and the reasons for fields this page has no place for.
    public IHtmlContent Summary(IEnumerable<string> fieldsOnPage)
    {
        if (problem is null) return HtmlString.Empty;
        var onPage = new HashSet<string>(fieldsOnPage, StringComparer.Ordinal);
        var b = new HtmlContentBuilder();
        // The API's "请求有 N 处错误，见 errors" points at a JSON member a person never sees: say where they are.
        var count = problem.Errors?.Values.Sum(l => l.Count) ?? 0;
        var (zh, en) = count == 0 ? (problem.Zh, problem.En)
            : (problem.Errors!.Keys.All(onPage.Contains) ? $"有 {count} 处需要修改，已在对应的栏目旁标出。" : $"有 {count} 处需要修改，见下方及对应的栏目。",
               $"{count} problem(s), each shown next to its field.");
        b.AppendHtml($"<div class=\"problem\" role=\"alert\" data-code=\"{Enc(problem.Code)}\"><p><strong>未保存，请修改后重新提交。</strong>{Enc(zh)}<br><span class=\"en\">Nothing was saved. {Enc(en)}</span></p>");
        foreach (var (field, list) in problem.Errors ?? new Dictionary<string, IReadOnlyList<FieldError>>())
            if (!onPage.Contains(field)) b.AppendHtml(Render(field, list));
        b.AppendHtml("</div>");
        return b;
    }

    /// The field's label a person sees: "attendance[3].member" is 第 4 行的「党员」.
    public string Label(string field)
    {
        if (labels?.TryGetValue(field, out var own) == true || Labels.TryGetValue(field, out own)) return own;
        var row = RowField().Match(field);
        if (row.Success)
            return $"第 {int.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture) + 1} 行{(row.Groups[3].Success ? "的" + Label(row.Groups[3].Value) : "")}";
        return field;
    }

    /// The API's sentence with the property name replaced by the label: 「主题」不能为空。
    public string Chinese(string field, FieldError error)
    {
        var label = Label(field);
        if (label == field) return error.Zh;
        // The name as a word of its own (not inside an id such as "member-7"), with the space around it.
        var name = new Regex($@" ?(?<![A-Za-z0-9_\-\[\].]){Regex.Escape(field)}(?![A-Za-z0-9_\-\[\]]) ?", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return name.Replace(error.Zh, $"「{label}」");
    }

    private IHtmlContent Render(string field, IReadOnlyList<FieldError> list)
    {
        var b = new HtmlContentBuilder();
        foreach (var e in list)
            b.AppendHtml($"<p class=\"field-error\" data-field=\"{Enc(field)}\" data-code=\"{Enc(e.Code)}\">{Enc(Chinese(field, e))}<br><span class=\"en\">{Enc(e.En)}</span></p>");
        return b;
    }

    [GeneratedRegex(@"^([A-Za-z]+)\[(\d{1,6})\](?:\.([A-Za-z]+))?$")]
    private static partial Regex RowField();

    private static string Enc(string s) => Encoder.Encode(s);

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
}
