using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;

namespace PointsEngine.Api.Web;

/// What a form's write came to: recorded (or recognised as a repeat of an earlier submission of the same
/// form), or refused with the reasons per field. Nothing is written when refused.
public sealed class FormOutcome
{
    private FormOutcome(FactRecorded? recorded, bool replayed, ApiProblem? problem)
    {
        Recorded = recorded;
        Replayed = replayed;
        Problem = problem;
    }

    public FactRecorded? Recorded { get; }

    /// The same form was submitted before (double click, browser retry): answered with the first result.
    public bool Replayed { get; }

    public ApiProblem? Problem { get; }

    public static FormOutcome Of(Results<Created<FactRecorded>, ProblemHttpResult> result, HttpContext http) => result.Result switch
    {
        Created<FactRecorded> created => new(created.Value, http.Response.Headers[FactWriter.ReplayedHeader] == "true", null),
        ProblemHttpResult problem => new(null, false, FromDetails(problem)),
        _ => throw new InvalidOperationException("FactWriter answered neither Created nor a problem."),
    };

    public static FormOutcome Refused(ApiProblem problem) => new(null, false, problem);

    /// Done, with no single fact to name (several written, or none needed).
    public static readonly FormOutcome Ok = new(null, false, null);

    private static ApiProblem FromDetails(ProblemHttpResult result)
    {
        var d = result.ProblemDetails;
        var errors = d.Extensions.TryGetValue("errors", out var e) ? e as IReadOnlyDictionary<string, IReadOnlyList<FieldError>> : null;
        return new ApiProblem(d.Status ?? result.StatusCode, d.Extensions["code"] as string ?? "invalid-request",
            d.Extensions["zh"] as string ?? d.Title ?? "", d.Extensions["en"] as string ?? d.Detail ?? "", errors);
    }
}

/// Writes from the pages go through <see cref="FactWriter"/> like the API's: the form's hidden key is the
/// Idempotency-Key, the signed-in person the recorder, and the answer waits until the points are scored
/// and visible in the read models.
public static class FormWrite
{
    public const string KeyField = "FormKey";

    /// A fresh key for a form being rendered; it travels in a hidden field and comes back on submit.
    public static string NewKey() => "web-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static async Task<FormOutcome> RecordAsync(this FactWriter writer, HttpContext http, string? key, BuildFact build, CancellationToken ct)
    {
        var result = await writer.RecordAsync(new WriteOptions(http, key, Wait: true), build, ct).ConfigureAwait(false);
        return FormOutcome.Of(result, http);
    }
}
