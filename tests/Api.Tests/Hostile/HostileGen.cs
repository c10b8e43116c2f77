using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Workflows;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Api.Tests.Hostile;

/// Who sends a hostile request: the most powerful caller the endpoint admits, so refusals come from
/// checking the input, not from the role check in front of it.
public enum Sender { Admin, SecretaryOfB1, MemberM01 }

/// A request being made hostile: a valid write to start from, then mutations. RawBody, when set, is sent
/// instead of Body (malformed JSON cannot be a JObject).
public sealed record Draft(
    string Endpoint, Sender Sender, IReadOnlyDictionary<string, string> Route, JObject Body, string? RawBody,
    string ContentType, string? Key, IReadOnlyList<string> Notes)
{
    public Draft With(string note, Func<Draft, Draft> change) => change(this) with { Notes = [.. Notes, note] };

    public Draft SetField(string field, JToken? value, string note)
    {
        var body = (JObject)Body.DeepClone();
        if (value is null) body.Remove(field);
        else body[field] = value;
        return this with { Body = body, RawBody = null, Notes = [.. Notes, note] };
    }

    public Draft SetRoute(string name, string value, string note) =>
        this with { Route = new Dictionary<string, string>(Route) { [name] = value }, Notes = [.. Notes, note] };

    /// Query string parameters (an endpoint reading its input from the query, such as ?year=).
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    public Draft SetQuery(string name, string value, string note) =>
        this with { Query = new Dictionary<string, string>(Query) { [name] = value }, Notes = [.. Notes, note] };

    public string Path(string pattern)
    {
        var path = pattern;
        foreach (var (name, value) in Route) path = path.Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        return Query.Count == 0 ? path : $"{path}?{string.Join("&", Query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"))}";
    }

    /// The body as sent. Non-ASCII is escaped, so lone surrogates travel as \ud800 escapes (raw, the
    /// client's UTF-8 encoder would quietly replace them).
    public string Json => RawBody ?? JsonConvert.SerializeObject(Body, new JsonSerializerSettings { StringEscapeHandling = StringEscapeHandling.EscapeNonAscii });

    public override string ToString() => $"{Endpoint} as {Sender}: {string.Join("; ", Notes)}";
}

/// Every kind of caller the read-and-header fuzz sends as (#16 gap 3.3).
public enum Who { Anonymous, ExpiredToken, ForgedToken, Admin, Appraiser, SecretaryOfB1, SecretaryOfB2, MemberM01, MemberM02 }

/// Hostile query parts (each already percent-encoded as sent, "name=value") and headers for any request:
/// null leaves the request's own header as it is.
public sealed record Hostility(IReadOnlyList<string> Query, IReadOnlyList<string>? Accept, string? ContentType, IReadOnlyList<string>? Keys,
    IReadOnlyList<string> Notes)
{
    public string AppendTo(string path) => Query.Count == 0 ? path : $"{path}{(path.Contains('?') ? "&" : "?")}{string.Join("&", Query)}";

    public override string ToString() => string.Join("; ", Notes);
}

/// What a write endpoint accepts, for building hostile requests to it: a valid request to start from and
/// mutations that each make it certainly invalid (poisons), besides noise that may or may not.
public sealed record EndpointSpec(string Endpoint, Sender[] Senders, Func<Draft> Valid, Gen<Func<Draft, Draft>>[] Poisons, bool ReportsValidity = false);

/// All hostile generators in one place (issue #8 item 3).
public static class HostileGen
{
    /// Query values, percent-encoded as sent: odd, injection-shaped, random, huge, and bytes that are no UTF-8.
    public static Gen<(string Raw, string Note)> QueryValue =>
        Gen.Frequency(
            (3, Gen.Elements(OddQueryValues).Select(v => (Encode(v), Show(v)))),
            (2, Gen.Elements(InvalidPercentEncodings).Select(v => (v, $"raw {v}"))),
            (2, Gen.Elements(Injections).Select(v => (Encode(v), Show(v)))),
            (2, ArbMap.Default.GeneratorFor<string>().Where(v => v is not null).Select(v => (Encode(v), Show(v)))),
            (1, Gen.Choose(1_000, 6_000).Select(n => (Encode(new string('长', n)), $"{n} × 长"))));

    private static readonly string[] OddQueryValues =
    [
        "", " ", "0", "-1", "2147483648", "99999999999999999999", "1e400", "NaN", "-0", "2025.5", "0x7E9", "٢٠٢٥", "２０２５", "2025-13", "2025-Q5",
        "9999-99-99", "0001-01-01", "2025-02-30", "null", "true", "[]", "{}", "csv ", "CSV", "xml", "json,csv", "months,series", "organisation\u0000",
        "\u0000", "\uD800", "..", "../../etc/passwd", "*", "%", "m-02", "n-01", "b2", "ghost-1",
    ];

    /// Percent-encodings of bytes that are not UTF-8 (a lone continuation byte, an overlong slash, a surrogate,
    /// beyond U+10FFFF, truncated sequences), a NUL, and escapes that are no escapes.
    private static readonly string[] InvalidPercentEncodings =
        ["%FF", "%FE%FF", "%C3%28", "%E4%B8", "%ED%A0%80", "%F4%90%80%80", "%C0%AF", "%80", "%00", "%", "%G1", "%%", "%u4E2D", "a%", "%2", "+%FF+"];

    // Parameter names no endpoint reads, or reads differently spelt; raw, as sent.
    private static readonly string[] UnknownNames = ["x", "%24where", "__proto__", "year%5B%5D", "%EF%BC%B9EAR", "", "a%00b", "%FF", "YEAR", "Format", "wait"];

    /// A part of a query string: a declared or unknown parameter with a hostile value, one repeated with
    /// different values, hundreds of parameters, a very long one, or bare separators.
    public static Gen<(string Raw, string Note)> QueryPart(IReadOnlyList<string> declared)
    {
        var names = Gen.Elements([.. declared.Select(Encode), .. UnknownNames]);
        return Gen.Frequency(
            (6, from name in names from value in QueryValue select ($"{name}={value.Raw}", $"?{name}={value.Note}")),
            (2, from name in names from n in Gen.Choose(2, 30) from values in QueryValue.ArrayOf(n)
                select (string.Join("&", values.Select(v => $"{name}={v.Raw}")), $"?{name} repeated {n} times")),
            (1, Gen.Choose(100, 3_000).Select(n => (string.Join("&", Enumerable.Range(0, n).Select(i => $"p{i}={i}")), $"{n} parameters"))),
            (1, Gen.Choose(10_000, 100_000).Select(n => ($"pad={new string('x', n)}", $"a {n}-character parameter"))),
            (1, Gen.Elements("&&&", "=", "==x", "a", "&=&", ";", "a=1;b=2", "?", "%26%3D").Select(v => (v, $"bare {v}"))));
    }

    private static readonly string[] Accepts =
    [
        "application/json", "text/csv", "text/html", "*/*;q=0", "text/csv;q=0", "text/csv, application/json;q=0.1", "application/xml", "image/png",
        "application/problem+json", "*/*", ";;;", "text/", "q=abc", "*/*;q=2", "text/csv;charset=gbk", "text/csv;q=NaN", "文本/表格",
        new string('a', 9_000) + "/b", "text/csv, text/html, application/xhtml+xml, */*;q=0.8",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "text/csv", "text/html", "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded",
        "//", "application/json; charset=utf-9", "garbage", "text/plain; charset=\"\"", "", "application/json, text/csv", "应用/json",
    ];

    /// Query parts (none for most requests: headers alone are the point then) and hostile Accept,
    /// Content-Type and Idempotency-Key headers: empty, huge, non-ASCII, duplicated.
    public static Gen<Hostility> Hostilities(IReadOnlyList<string> declaredQuery, bool queryOften) =>
        from parts in Gen.Frequency((queryOften ? 1 : 3, Gen.Constant(Array.Empty<(string, string)>())), (3, Gen.Choose(1, 4).SelectMany(n => QueryPart(declaredQuery).ArrayOf(n))))
        from accept in Gen.Frequency(
            (1, Gen.Constant<string[]?>(null)),
            (4, Gen.Constant<string[]?>(["text/csv"])),
            (6, Gen.Elements(Accepts).Select(a => (string[]?)[a])),
            (1, Gen.Constant<string[]?>(["text/csv", "application/json"])))
        from contentType in Gen.Frequency((3, Gen.Constant<string?>(null)), (1, Gen.Elements(ContentTypes).Select(c => (string?)c)))
        from keys in Gen.Frequency(
            (3, Gen.Constant<string[]?>(null)),
            (1, Gen.Elements<string[]>([""], ["   "], [new string('k', 10_000)], ["键🔑 ключ"], ["dup-1", "dup-2"], ["same", "same"])
                .Select(k => (string[]?)k)))
        select new Hostility([.. parts.Select(p => p.Item1)], accept, contentType, keys,
        [
            .. parts.Select(p => p.Item2),
            .. accept is null ? [] : new[] { $"Accept: {string.Join(" + ", accept.Select(a => Show(a)))}" },
            .. contentType is null ? [] : new[] { $"Content-Type: {Show(contentType)}" },
            .. keys is null ? [] : new[] { $"Idempotency-Key: {string.Join(" + ", keys.Select(k => Show(k)))}" },
        ]);

    /// Percent-encodes the UTF-8 bytes of a text (a lone surrogate becomes U+FFFD's bytes), so any string can travel.
    public static string Encode(string value) =>
        string.Concat(Encoding.UTF8.GetBytes(value).Select(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
            ? ((char)b).ToString() : $"%{b:X2}"));

    public const string On = "2025-06-01";

    // Injection-shaped and odd text: valid as free text in most fields, so these are noise, not poisons.
    private static readonly string[] Injections =
    [
        "'; DROP TABLE events; --", "\" OR \"1\"=\"1", "1' OR '1'='1' --", "Robert'); DROP TABLE members;--", "'||pg_sleep(10)--",
        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "{{7*7}}", "../../../../etc/passwd", "%00%27", "$where: '1 == 1'",
        "\u202Egnp.exe", "\uFEFFbom", "zero\u200Bwidth", "Z\u0337\u0348a\u0338l\u0335g\u0336o", "𝕏𝔸𝕄𝕃", "مرحبا", "党员'; DELETE FROM events; --",
        "NULL", "null", "undefined", "NaN", "-0", "1e400", "０１２", "ｍ－０１", "m-01 ", " m-01", "M-01", "m_01",
    ];

    // Text no field accepts: control characters, lone surrogates.
    private static readonly string[] Unstorable = ["a\u0000b", "\u0007bell", "line\u001Bescape", "\uD800", "x\uDC00y", "\uDBFF", "\u0085\u0000"];

    private static readonly string[] BadIds = ["", " ", "has space", "tab\there", "new\nline", "\u0000", "\uD800", "a'; DROP TABLE events; --", new string('x', 129)];

    private static readonly string[] BadDates =
        ["9999-12-31", "2999-01-01", "0001-01-01", "1899-12-31", "2025-02-30", "2025-13-01", "2025-6-1", "01/06/2025", "2025-06-01T00:00:00", "", "today", "+002025-06-01"];

    private static readonly string[] HugeNumbers = ["1e400", "-1e400", "79228162514264337593543950336", "123456789012345678901234567890.5", "1e-400", "0.000000000000000000000000000001"];

    public static Gen<string> AnyText =>
        Gen.Frequency(
            (4, Gen.Elements(Injections)),
            (2, Gen.Elements(Unstorable)),
            (3, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)),
            (1, Gen.Choose(200, 6000).Select(n => new string('长', n))));

    private static Gen<Func<Draft, Draft>> Poison(Func<Draft, Draft> f) => Gen.Constant(f);

    private static Gen<Func<Draft, Draft>> Poison<T>(Gen<T> values, Func<Draft, T, Draft> f) => values.Select(v => (Func<Draft, Draft>)(d => f(d, v)));

    /// A required identifier refused whatever it is: malformed, or of the wrong JSON type.
    public static Gen<Func<Draft, Draft>> BadId(string field) => Gen.OneOf(
        Poison(Gen.Elements(BadIds), (d, v) => d.SetField(field, v, $"{field} = bad id {Show(v)}")),
        WrongType(field),
        Poison(d => d.SetField(field, null, $"{field} missing")),
        Poison(d => d.SetField(field, JValue.CreateNull(), $"{field} = null")));

    /// A reference that must name something registered: unknown, or malformed.
    public static Gen<Func<Draft, Draft>> UnknownRef(string field, string prefix) => Gen.OneOf(
        BadId(field),
        Poison(Gen.Choose(1, 1_000_000), (d, n) => d.SetField(field, $"{prefix}{n}", $"{field} unknown")));

    public static Gen<Func<Draft, Draft>> WrongType(string field) =>
        Poison(Gen.Elements<JToken>(new JValue(12345), new JValue(true), new JArray("a"), new JObject { ["$ne"] = null }, new JValue(1.5)),
            (d, v) => d.SetField(field, v.DeepClone(), $"{field} of wrong type {v.Type}"));

    public static Gen<Func<Draft, Draft>> RequiredText(string field, int max) => Gen.OneOf(
        Poison(Gen.Elements(Unstorable), (d, v) => d.SetField(field, v, $"{field} unstorable {Show(v)}")),
        Poison(Gen.Choose(max + 1, max + 5000), (d, n) => d.SetField(field, new string('字', n), $"{field} {n} chars")),
        Poison(Gen.Elements("", "   ", "\t\n"), (d, v) => d.SetField(field, v, $"{field} blank")),
        Poison(d => d.SetField(field, null, $"{field} missing")),
        WrongType(field));

    public static Gen<Func<Draft, Draft>> OptionalText(string field, int max) => Gen.OneOf(
        Poison(Gen.Elements(Unstorable), (d, v) => d.SetField(field, v, $"{field} unstorable {Show(v)}")),
        Poison(Gen.Choose(max + 1, max + 5000), (d, n) => d.SetField(field, new string('字', n), $"{field} {n} chars")),
        WrongType(field));

    /// A date refused: malformed, in the future, of the wrong type, or (when it is required) missing.
    public static Gen<Func<Draft, Draft>> BadDate(string field = "occurredOn", bool required = true) => Gen.OneOf(
    [
        Poison(Gen.Elements(BadDates), (d, v) => d.SetField(field, v, $"{field} = {Show(v)}")),
        .. required ? [Poison(d => d.SetField(field, null, $"{field} missing"))] : Array.Empty<Gen<Func<Draft, Draft>>>(),
        Poison(Gen.Choose(2027, 9999), (d, y) => d.SetField(field, $"{y}-01-01", $"{field} in {y}")),
        WrongType(field),
    ]);

    public static Gen<Func<Draft, Draft>> BadEnum(string field, bool required = true)
    {
        var bad = Poison(Gen.Elements("会议X", "present ", "出 席", "'; DROP TABLE events; --", "999", "\uD800"), (d, v) => d.SetField(field, v, $"{field} = {Show(v)}"));
        return required ? Gen.OneOf(bad, WrongType(field), Poison(d => d.SetField(field, null, $"{field} missing"))) : Gen.OneOf(bad, WrongType(field));
    }

    /// Raw JSON numbers, so values a double cannot hold reach the server as written.
    public static Gen<Func<Draft, Draft>> BadNumber(string field, params string[] outOfRange) => BadNumber(field, true, outOfRange);

    public static Gen<Func<Draft, Draft>> BadNumber(string field, bool required, params string[] outOfRange)
    {
        var bad = new[]
        {
            Poison(Gen.Elements(outOfRange.Concat(HugeNumbers).ToArray()), (d, v) => d.With($"{field} = {v}", x => x with { RawBody = ReplaceNumber(x, field, v) })),
            Poison(Gen.Elements("\"many\"", "\"１\"", "NaN", "Infinity", "0x10", "01", "1.", ".5", "+1"),
                (d, v) => d.With($"{field} = {v}", x => x with { RawBody = ReplaceNumber(x, field, v) })),
        };
        return required ? Gen.OneOf([.. bad, Poison(d => d.SetField(field, null, $"{field} missing"))]) : Gen.OneOf(bad);
    }

    private static string ReplaceNumber(Draft d, string field, string raw)
    {
        var body = (JObject)d.Body.DeepClone();
        body[field] = "__NUMBER__";
        return JsonConvert.SerializeObject(body).Replace("\"__NUMBER__\"", raw, StringComparison.Ordinal);
    }

    public static Gen<Func<Draft, Draft>> BadRoute(string name, params string[] refused) => Gen.OneOf(
        Poison(Gen.Elements(refused), (d, v) => d.SetRoute(name, v, $"{{{name}}} = {Show(v)}")),
        Poison(Gen.Elements(" ", "a b", "\u0001", new string('x', 129)), (d, v) => d.SetRoute(name, v, $"{{{name}}} = bad {Show(v)}")));

    public static Gen<Func<Draft, Draft>> BadQuery(string name, params string[] refused) =>
        Poison(Gen.Elements(refused), (d, v) => d.SetQuery(name, v, $"?{name}={Show(v)}"));

    /// Labels that are no period (a month 2025-06, a quarter 2025-Q2 or a year 2025): out of range, other
    /// shapes, digits of other scripts (which \d would match), before 1900.
    public static readonly string[] BadPeriods =
    [
        "2025-13", "2025-00", "2025-Q5", "2025-Q0", "2025-q2", "2025-6", "25-06", "2025-06-01", "2025-W23", "abc", "1899", "1899-12",
        "+2025", "-2025", "2025 06", "２０２５-06", "٢٠٢٥", "2025-０６", "20250", "2025-", "-06",
    ];

    /// Mutations every JSON endpoint refuses whatever its fields: the body is not a JSON object of the
    /// contract, or the request lacks what every write needs.
    /// An endpoint that reads no body (readsBody false) is given only the Idempotency-Key poisons: whatever
    /// body it is sent, it ignores.
    public static Gen<Func<Draft, Draft>>[] Envelope(bool strictFields = true, bool keyed = true, bool readsBody = true)
    {
        var list = !readsBody ? [] : new List<Gen<Func<Draft, Draft>>>
        {
            Poison(Gen.Choose(1, 30), (d, cut) => d.With($"truncated JSON (-{cut})", x => x with { RawBody = Truncate(x.Json, cut) })),
            Poison(Gen.Elements("[]", "42", "\"text\"", "null", "true", "", " ", "{", "}", "{\"a\":}", "{'single':'quotes'}", "{\"a\":1,}", "\u0000"),
                (d, raw) => d.With($"body {Show(raw)}", x => x with { RawBody = raw })),
            Poison(Gen.Choose(65, 3000), (d, depth) => d.With($"nested {depth} deep", x => x with { RawBody = Nested(depth) })),
            Poison(Gen.Choose(65, 3000), (d, depth) => d.With($"nested {depth} deep inside", x => x with { RawBody = x.Json.TrimEnd('}') + $",\"deep\":{Nested(depth)}}}" })),
            Poison(Gen.Elements("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data"),
                (d, type) => d.With($"content type {type}", x => x with { ContentType = type })),
            Poison(Gen.Choose(1_048_577, 1_300_000), (d, size) => d.With($"{size}-byte body", x => x with { RawBody = x.Json.TrimEnd('}') + $",\"pad\":\"{new string('x', size)}\"}}" })),
        };
        if (keyed)
            list.Add(Poison(Gen.Elements<string?>(null, "", "   ", new string('k', 201), new string('键', 300)),
                (d, key) => d.With($"Idempotency-Key {Show(key)}", x => x with { Key = key })));
        if (strictFields && readsBody)
            list.Add(Poison(Gen.Elements("attendence", "memberId", "Member ", "__proto__", "constructor", "$type", "extra"),
                (d, field) => d.SetField(field, "x", $"unknown field {field}")));
        return [.. list];
    }

    /// Noise: hostile but possibly valid text in a free-text field, applied before the poison.
    public static Gen<Func<Draft, Draft>> Noise(params string[] textFields) =>
        textFields.Length == 0
            ? Gen.Constant<Func<Draft, Draft>>(d => d)
            : Gen.Elements(textFields).SelectMany(f => AnyText.Select(t => (Func<Draft, Draft>)(d => d.SetField(f, t, $"{f} noise {Show(t)}"))));

    /// A claim's attachments (JSON: name and base64 content) that no claim may carry: content that is not
    /// base64, files that are not an accepted kind whatever their name says, names the store refuses, too
    /// many, too large one by one or together, and attachments of the wrong JSON shape.
    public static Gen<Func<Draft, Draft>> BadAttachments(ClaimSettings limits)
    {
        var jpeg = Convert.ToBase64String(Uploads.Jpeg());
        static JObject File(string? name, string? content) => new() { ["name"] = name, ["content"] = content };
        Func<Draft, Draft> Set(JToken attachments, string note) => d => d.SetField("attachments", attachments.DeepClone(), note);
        var shapes = new (string Note, Func<JToken> Attachments)[]
        {
            ("content not base64", () => new JArray(File("photo.jpg", "not base64!"))),
            ("content of odd length", () => new JArray(File("photo.jpg", "abc"))),
            ("content padding only", () => new JArray(File("photo.jpg", "===="))),
            ("content a data URL", () => new JArray(File("photo.jpg", "data:image/jpeg;base64," + jpeg))),
            ("content with trailing garbage", () => new JArray(File("photo.jpg", jpeg + "%%"))),
            ("an executable named .jpg", () => new JArray(File("photo.jpg", Convert.ToBase64String(Uploads.Executable())))),
            ("an executable named .exe", () => new JArray(File("setup.exe", Convert.ToBase64String(Uploads.Executable())))),
            ("a photo then an executable", () => new JArray(File("ok.jpg", jpeg), File("invoice.pdf", Convert.ToBase64String(Uploads.Executable())))),
            ("a PDF named .jpg", () => new JArray(File("scan.jpg", Convert.ToBase64String(Uploads.Pdf())))),
            ("a JPEG named .png", () => new JArray(File("photo.png", jpeg))),
            ("a JPEG named .jpg.exe", () => new JArray(File("photo.jpg.exe", jpeg))),
            ("a JPEG without extension", () => new JArray(File("photo", jpeg))),
            ("text named .docx", () => new JArray(File("report.docx", Convert.ToBase64String("hello"u8.ToArray())))),
            ("a ZIP that is no Office document, named .docx", () => new JArray(File("report.docx", Convert.ToBase64String([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00])))),
            ("empty content", () => new JArray(File("photo.jpg", ""))),
            ("no content", () => new JArray(File("photo.jpg", null))),
            ("no name", () => new JArray(File(null, jpeg))),
            ("empty name", () => new JArray(File("", jpeg))),
            ("a directory for a name", () => new JArray(File("photos/", jpeg))),
            ("a NUL in the name", () => new JArray(File("a\u0000.jpg", jpeg))),
            ("a lone surrogate in the name", () => new JArray(File("\uD800.jpg", jpeg))),
            ("a bell in the name", () => new JArray(File("bell\u0007.jpg", jpeg))),
            ("a name too long", () => new JArray(File(new string('长', ClaimUploads.MaxNameLength) + ".jpg", jpeg))),
            ("too many attachments", () => new JArray(Enumerable.Range(0, limits.MaxAttachments + 1).Select(i => File($"p{i}.jpg", jpeg)))),
            ("one attachment over the per-file limit", () => new JArray(File("big.jpg", Convert.ToBase64String(Uploads.Jpeg((int)limits.MaxAttachmentBytes + 1))))),
            ("attachments over the per-claim limit together", () => new JArray(Enumerable.Range(0, (int)(limits.MaxClaimBytes / limits.MaxAttachmentBytes) + 1)
                .Select(i => File($"p{i}.jpg", Convert.ToBase64String(Uploads.Jpeg((int)limits.MaxAttachmentBytes, (byte)i))))))
        };
        var wrongTypes = new JToken[]
        {
            new JValue("photo.jpg"), new JValue(12), new JObject(), new JObject { ["name"] = "photo.jpg", ["content"] = jpeg },
            new JArray(1), new JArray("photo.jpg"), new JArray(JValue.CreateNull()), new JArray { new JArray() },
            new JArray(File("photo.jpg", jpeg), JValue.CreateNull()),
            new JArray(new JObject { ["name"] = 1, ["content"] = jpeg }), new JArray(new JObject { ["name"] = "photo.jpg", ["content"] = 5 }),
            new JArray(new JObject { ["name"] = "photo.jpg", ["content"] = new JArray(0xFF, 0xD8, 0xFF) }),
            new JArray(new JObject { ["name"] = "photo.jpg", ["content"] = jpeg, ["mediaType"] = "image/jpeg" }),
        };
        return Gen.OneOf(
            Gen.Elements(shapes).Select(s => (Func<Draft, Draft>)(d => Set(s.Attachments(), $"attachments: {s.Note}")(d))),
            Gen.Elements(wrongTypes).Select(a => Set(a, $"attachments = {Show(a.ToString(Formatting.None))}")));
    }

    /// A rule-set document broken in a way the validator must refuse.
    public static Gen<Func<Draft, Draft>> BadRuleSet() =>
        Gen.OneOf(
            Poison(Gen.Elements("version", "effectiveFrom", "rules", "categories"), (d, f) => d.With($"rule set without {f}", x => x with { RawBody = EditRules(r => r.Remove(f)) })),
            Poison(Gen.Elements<JToken>(new JValue("has space"), new JValue(12), new JValue(""), JValue.CreateNull()),
                (d, v) => d.With($"version = {v}", x => x with { RawBody = EditRules(r => r["version"] = v.DeepClone()) })),
            Poison(Gen.Elements("9999-99-99", "yesterday", "", "2025/01/01"), (d, v) => d.With($"effectiveFrom = {v}", x => x with { RawBody = EditRules(r => r["effectiveFrom"] = v) })),
            Poison(Gen.Elements<JToken>(new JValue("many"), new JArray(), new JObject()), (d, v) => d.With($"rules[0].points = {v}", x => x with { RawBody = EditRules(r => r["rules"]![0]!["points"] = v.DeepClone()) })),
            Poison(Gen.Elements<JToken>(new JValue("nope"), new JValue(1), new JObject()), (d, v) => d.With($"rules = {v}", x => x with { RawBody = EditRules(r => r["rules"] = v.DeepClone()) })),
            Poison(d => d.With("rules[0].category unknown", x => x with { RawBody = EditRules(r => r["rules"]![0]!["category"] = "no-such-category") })));

    private static string EditRules(Action<JObject> edit)
    {
        var doc = JObject.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        doc["version"] = $"hostile-{Guid.NewGuid():N}";
        edit(doc);
        return doc.ToString(Formatting.None);
    }

    // A proper prefix of a JSON object is never valid JSON (trailing whitespace aside, which is cut first).
    private static string Truncate(string json, int cut)
    {
        json = json.TrimEnd();
        return json.Length <= 1 ? "{" : json[..Math.Max(1, json.Length - Math.Min(cut, json.Length - 1))];
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static string Show(string? v) => v is null ? "(none)" : v.Length > 24 ? $"\"{Escape(v[..24])}…\" ({v.Length})" : $"\"{Escape(v)}\"";

    private static string Escape(string s) => string.Concat(s.Select(c => c < 32 || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
