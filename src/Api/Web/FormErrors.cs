using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Html;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Web;

/// A refused form's reasons, shown next to the fields they are about (Chinese, English below); reasons
/// about no field on the page are listed at the top with the problem's own sentence.
public sealed class FormErrors(ApiProblem? problem)
{
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
        b.AppendHtml($"<div class=\"problem\" role=\"alert\" data-code=\"{Enc(problem.Code)}\"><p><strong>未保存，请修改后重新提交。</strong>{Enc(problem.Zh)}<br><span class=\"en\">Nothing was saved. {Enc(problem.En)}</span></p>");
        foreach (var (field, list) in problem.Errors ?? new Dictionary<string, IReadOnlyList<FieldError>>())
            if (!onPage.Contains(field)) b.AppendHtml(Render(field, list));
        b.AppendHtml("</div>");
        return b;
    }

    private static IHtmlContent Render(string field, IReadOnlyList<FieldError> list)
    {
        var b = new HtmlContentBuilder();
        foreach (var e in list)
            b.AppendHtml($"<p class=\"field-error\" data-field=\"{Enc(field)}\" data-code=\"{Enc(e.Code)}\">{Enc(e.Zh)}<br><span class=\"en\">{Enc(e.En)}</span></p>");
        return b;
    }

    private static string Enc(string s) => Encoder.Encode(s);

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);
}
