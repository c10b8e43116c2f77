using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Api.Problems;

/// Turns every exception that escapes an endpoint into a problem document, so no input reaches a bare
/// 500: malformed JSON and wrong types are 400 naming the JSON path, a full member mailbox is 429 and a
/// saturated store 503 (both with Retry-After), a lost optimistic-concurrency race 409. What is left is a
/// real fault: 500, logged, with a problem document all the same.
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public const int RetryAfterMailboxSeconds = 1;
    public const int RetryAfterStoreSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (http.RequestAborted.IsCancellationRequested && exception is OperationCanceledException)
            return true; // the client went away; nobody reads an answer

        var (problem, retryAfter) = Classify(exception);
        if (problem.Status >= 500 && retryAfter is null)
            log.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
        else if (retryAfter is not null)
            log.LogWarning("Refused {Method} {Path} with {Status}: {Reason}", http.Request.Method, http.Request.Path, problem.Status, exception.GetType().Name);

        if (http.Response.HasStarted) return true;
        http.Response.Clear();
        http.Response.StatusCode = problem.Status;
        if (retryAfter is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = problem.ToProblemDetails(),
            Exception = exception,
        });
        return true;
    }

    public static (ApiProblem Problem, int? RetryAfter) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => (MalformedJson(json), null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (TooLarge(), null),
        BadHttpRequestException bad => (Generic(bad.StatusCode, bad.Message), null),
        JsonException json => (MalformedJson(json), null),
        MailboxFullException => (new ApiProblem(StatusCodes.Status429TooManyRequests, "mailbox-full",
            "党员积分处理队列已满，请稍后重试。", "A member's scoring mailbox is full; retry shortly."), RetryAfterMailboxSeconds),
        WrongExpectedRevisionException conflict => (new ApiProblem(StatusCodes.Status409Conflict, "revision-conflict",
            $"数据已被其他请求修改（{conflict.Stream}），请重新提交。", $"Another request changed {conflict.Stream} meanwhile; send the request again."), null),
        _ when IsStoreSaturated(exception) => (new ApiProblem(StatusCodes.Status503ServiceUnavailable, "store-busy",
            "数据库繁忙，请稍后重试。", "The event store is saturated; retry shortly."), RetryAfterStoreSeconds),
        _ => (Generic(StatusCodes.Status500InternalServerError, null), null),
    };

    private static bool IsStoreSaturated(Exception e) => e switch
    {
        TimeoutException => true,
        NpgsqlException { IsTransient: true } => true,
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection holds the write lock too long.
        SqliteException { SqliteErrorCode: 5 or 6 } => true,
        { InnerException: { } inner } => IsStoreSaturated(inner),
        _ => false,
    };

    public static ApiProblem MalformedJson(JsonException json)
    {
        var field = FieldOf(json.Path);
        const string code = "malformed-json";
        var zh = $"请求体不是合法的 JSON，或字段 {field} 的类型/格式不符。";
        // JsonException's own message names CLR types; the position is what a person needs.
        var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : "";
        var en = $"The body is not valid JSON or {field} has the wrong type or format{where}.";
        return ApiProblem.Field(StatusCodes.Status400BadRequest, field, code, zh, en);
    }

    public static ApiProblem TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "too-large",
        "请求体过大。", "The request body is too large.");

    /// "$.attendance[3].status" → "attendance[3].status"; the whole body is "$".
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static ApiProblem Generic(int status, string? message)
    {
        var (code, zh, en) = ProblemTitles.Generic(status);
        // The framework's own message (e.g. "Required parameter ... was not provided") names the parameter.
        return new ApiProblem(status, code, zh, message is null || status >= 500 ? en : $"{en} {message}");
    }
}
