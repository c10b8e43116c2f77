using System.Net;
using System.Text;

namespace PointsEngine.Api.Tests.Support;

/// A CSV download read back: RFC 4180 fields (quotes, doubled quotes, commas and line breaks inside
/// quotes), after checking the UTF-8 byte-order mark that makes Excel read the Chinese correctly.
public sealed record CsvDownload(HttpResponseMessage Response, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public string Cell(int row, string header)
    {
        var column = Headers.ToList().IndexOf(header);
        Assert.True(column >= 0, $"no column {header} in {string.Join(",", Headers)}");
        return Rows[row][column];
    }

    public IReadOnlyList<string> Column(string header) => [.. Enumerable.Range(0, Rows.Count).Select(i => Cell(i, header))];

    public static async Task<CsvDownload> GetAsync(HttpClient client, string path, bool viaAccept = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (viaAccept) request.Headers.Accept.ParseAdd("text/csv");
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes.Take(3).ToArray());
        var records = Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.All(records, r => Assert.Equal(records[0].Count, r.Count));
        return new CsvDownload(response, records[0], records.Skip(1).ToList());
    }

    public static List<IReadOnlyList<string>> Parse(string text)
    {
        var records = new List<IReadOnlyList<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else field.Append(c);
        }
        Assert.True(field.Length == 0 && record.Count == 0, "the CSV ends with CRLF");
        return records;
    }
}
