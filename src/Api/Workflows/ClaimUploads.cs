using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Workflows;

/// A claim as sent: multipart/form-data (a phone's form with photos; fields kind, title, description,
/// hours, occurredOn and any number of files) or JSON with base64 attachments.
public sealed record ClaimForm(string? Kind, string? Title, string? Description, decimal? Hours, DateOnly? OccurredOn,
    IReadOnlyList<AttachmentFile> Attachments);

public static class ClaimUploads
{
    public sealed record SubmitClaimRequest(string? Kind, string? Title, string? Description, decimal? Hours, DateOnly? OccurredOn,
        IReadOnlyList<AttachmentUpload>? Attachments);

    /// Content is the file's bytes in base64.
    public sealed record AttachmentUpload(string? Name, string? Content);

    public const int MaxNameLength = 200;

    /// The claim's fields and checked files, or the problem naming every field and file that is wrong.
    public static async Task<(ClaimForm? Form, ApiProblem? Problem)> ReadAsync(HttpRequest request, ClaimSettings limits,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var e = new UploadErrors();
        var raw = new List<(string Name, byte[] Content)>();
        ClaimForm fields;
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(ct).ConfigureAwait(false);
            }
            catch (Exception bad) when (bad is InvalidDataException or (IOException and not BadHttpRequestException))
            {
                // A form the parser cannot read (no boundary, a truncated part) is the client's mistake, not a 500;
                // a body over the size limit (BadHttpRequestException) is RequestSizeLimit's 413.
                return (null, ApiProblem.Field(StatusCodes.Status400BadRequest, "$", "malformed-form",
                    "multipart/form-data 请求体格式错误，无法读取。", $"The multipart/form-data body cannot be read: {bad.Message}"));
            }
            decimal? hours = null;
            if (form["hours"].FirstOrDefault() is { Length: > 0 } h)
            {
                if (decimal.TryParse(h, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed)) hours = parsed;
                else e.Add("hours", "invalid-number", $"时长 “{h}” 不是数字。", $"Hours '{h}' is not a number.");
            }
            DateOnly? on = null;
            if (form["occurredOn"].FirstOrDefault() is { Length: > 0 } d)
            {
                if (DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) on = date;
                else e.Add("occurredOn", "invalid-date", $"日期 “{d}” 应为 yyyy-MM-dd。", $"The date '{d}' must be yyyy-MM-dd.");
            }
            fields = new ClaimForm(form["kind"].FirstOrDefault(), form["title"].FirstOrDefault(), form["description"].FirstOrDefault(), hours, on, []);
            // A browser sends a file input left empty as a nameless empty part: no attachment, not a bad one.
            foreach (var file in form.Files.Where(f => f.Length > 0 || f.FileName.Length > 0))
            {
                await using var stream = file.OpenReadStream();
                var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                raw.Add((file.FileName, buffer.ToArray()));
            }
        }
        else if (request.HasJsonContentType())
        {
            var body = await request.ReadFromJsonAsync<SubmitClaimRequest>(json.Value.SerializerOptions, ct).ConfigureAwait(false)
                ?? throw new JsonException("The body is empty.");
            fields = new ClaimForm(body.Kind, body.Title, body.Description, body.Hours, body.OccurredOn, []);
            var uploads = body.Attachments ?? [];
            for (var i = 0; i < uploads.Count; i++)
            {
                // [null] binds as a null element: refused by position, not dereferenced.
                if (uploads[i] is null)
                {
                    e.Add($"attachments[{i}]", "attachment-null", $"附件 {i + 1} 为空（null），应为含 name 和 content 的对象。",
                        $"Attachment {i + 1} is null; each attachment is an object with a name and a base64 content.");
                    continue;
                }
                try
                {
                    raw.Add((uploads[i].Name ?? "", Convert.FromBase64String(uploads[i].Content ?? "")));
                }
                catch (FormatException)
                {
                    e.Add($"attachments[{i}].content", "invalid-base64", $"附件 {uploads[i].Name} 的内容不是有效的 base64。",
                        $"The content of attachment {uploads[i].Name} is not valid base64.");
                }
            }
        }
        else
        {
            return (null, ApiProblem.Field(StatusCodes.Status415UnsupportedMediaType, "Content-Type", "unsupported-content-type",
                "申报请用 multipart/form-data（附带文件）或 application/json 提交。", "Send a claim as multipart/form-data (with files) or application/json."));
        }

        var files = Check(raw, limits, e);
        if (e.ToProblem() is { } problem) return (null, problem);
        return (fields with { Attachments = files }, null);
    }

    /// Each file by its content: an accepted kind, matching its name's extension, within the per-file
    /// limit; all of them within the count and per-claim limits.
    private static List<AttachmentFile> Check(List<(string Name, byte[] Content)> raw, ClaimSettings limits, UploadErrors e)
    {
        var files = new List<AttachmentFile>();
        if (raw.Count > limits.MaxAttachments)
            e.Add("attachments", "too-many-attachments", $"附件最多 {limits.MaxAttachments} 个，收到 {raw.Count} 个。",
                $"A claim carries at most {limits.MaxAttachments} attachments; {raw.Count} were sent.");
        for (var i = 0; i < raw.Count; i++)
        {
            var field = $"attachments[{i}]";
            var name = Path.GetFileName(raw[i].Name.Replace('\\', '/'));
            var size = raw[i].Content.LongLength;
            if (name.Length == 0 || name.Length > MaxNameLength || !FieldErrors.IsStorable(name) || name.Any(char.IsControl))
            {
                e.Add(field, "attachment-name", $"附件 {i + 1} 的文件名为空、过长（>{MaxNameLength}）或含控制字符。",
                    $"Attachment {i + 1} has an empty, too long (>{MaxNameLength}) or unprintable file name.");
                continue;
            }
            if (size == 0)
            {
                e.Add(field, "attachment-empty", $"附件 {name} 是空文件。", $"Attachment {name} is empty.");
                continue;
            }
            if (size > limits.MaxAttachmentBytes)
            {
                e.Add413(field, "attachment-too-large", $"附件 {name} 大小 {size} 字节，超过单个附件上限 {limits.MaxAttachmentBytes} 字节。",
                    $"Attachment {name} is {size} bytes, over the limit of {limits.MaxAttachmentBytes} bytes per file.");
                continue;
            }
            var kind = AttachmentContent.Detect(raw[i].Content);
            if (kind is null)
            {
                e.Add(field, "attachment-type", $"附件 {name} 的内容不是可接受的文件类型（{AttachmentContent.AcceptedList}；按文件内容判断，不看扩展名）。",
                    $"Attachment {name} is not an accepted kind of file ({AttachmentContent.AcceptedList}; judged by its content, not its name).");
                continue;
            }
            if (AttachmentContent.ByExtension(name) != kind)
            {
                e.Add(field, "attachment-type-mismatch", $"附件 {name} 的内容是 {kind.Name}，与文件扩展名不符。",
                    $"Attachment {name} contains a {kind.Name} file, which its name's extension does not say.");
                continue;
            }
            files.Add(new AttachmentFile(name, kind, raw[i].Content));
        }
        var total = raw.Sum(r => r.Content.LongLength);
        if (total > limits.MaxClaimBytes)
            e.Add413("attachments", "claim-too-large", $"附件合计 {total} 字节，超过每次申报上限 {limits.MaxClaimBytes} 字节。",
                $"The attachments total {total} bytes, over the limit of {limits.MaxClaimBytes} bytes per claim.");
        return files;
    }
}

/// Problems of an upload, each naming its field (the file); 413 if any is about size. One problem is
/// told at the top level too, so the answer's own text names the file and why.
internal sealed class UploadErrors
{
    private readonly List<(string Field, FieldError Error, bool TooLarge)> _errors = [];

    public void Add(string field, string code, string zh, string en) => _errors.Add((field, new FieldError(code, zh, en), false));

    public void Add413(string field, string code, string zh, string en) => _errors.Add((field, new FieldError(code, zh, en), true));

    public ApiProblem? ToProblem()
    {
        if (_errors.Count == 0) return null;
        var status = _errors.Any(e => e.TooLarge) ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        var first = _errors[0].Error;
        var (code, zh, en) = _errors.Count == 1 ? (first.Code, first.Zh, first.En)
            : ("invalid-attachments", $"申报有 {_errors.Count} 处错误：{string.Join("；", _errors.Select(e => e.Error.Zh))}",
                $"The claim has {_errors.Count} problems: {string.Join(" ", _errors.Select(e => e.Error.En))}");
        return new ApiProblem(status, code, zh, en, _errors.GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<FieldError>)[.. g.Select(e => e.Error)], StringComparer.Ordinal));
    }
}
