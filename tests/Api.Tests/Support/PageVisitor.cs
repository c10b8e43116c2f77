using System.Net;
using System.Text.RegularExpressions;

namespace PointsEngine.Api.Tests.Support;

/// One browser without a browser: keeps the cookies the server sets, reads each form's antiforgery field,
/// and posts forms as the pages do. Redirects are answers (Location) to inspect.
public sealed partial class PageVisitor(HttpClient client)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);
    private string? _antiforgery;

    public sealed record Visit(HttpStatusCode Status, string? Location, string Html)
    {
        /// The redirect's path, or the status as digits.
        public string Outcome => Location is { } l ? l.Split('?')[0] : ((int)Status).ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// The data-code of the element with this data-testid, if the page has one.
        public string? Code(string testId) => Regex.Match(Html, $"data-testid=\"{testId}\"[^>]*data-code=\"([^\"]+)\"") is { Success: true } m ? m.Groups[1].Value : null;
    }

    public string? Cookie(string name) => _cookies.GetValueOrDefault(name);

    public void Forget(string name) => _cookies.Remove(name);

    public void Set(string name, string value) => _cookies[name] = value;

    public async Task<Visit> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// Posts the form (after a GET of <paramref name="formPage"/> for its antiforgery field, when none was read yet).
    public async Task<Visit> PostAsync(string path, Dictionary<string, string> form, string formPage = "/signin")
    {
        if (_antiforgery is null) await GetAsync(formPage);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["__af"] = _antiforgery! }) };
        return await SendAsync(request);
    }

    private async Task<Visit> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(kv => $"{kv.Key}={kv.Value}")));
        using var response = await client.SendAsync(request);
        foreach (var set in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = set.Split(';')[0];
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            if (value.Length == 0 || set.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
            else _cookies[name] = value;
        }
        var html = await response.Content.ReadAsStringAsync();
        if (AntiforgeryField().Match(html) is { Success: true } m) _antiforgery = WebUtility.HtmlDecode(m.Groups[1].Value);
        return new Visit(response.StatusCode, response.Headers.Location?.OriginalString, html);
    }

    [GeneratedRegex("name=\"__af\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
