using Microsoft.AspNetCore.Mvc;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Writing;

/// What every write answers: the fact's id, the stream and the log position it was written at (a
/// retried request gets the same three), and whether it was scored before the answer (`?wait=true`).
public sealed record FactRecorded(string FactId, string Stream, long Position, bool Scored);

/// The parts of a write request every write endpoint shares.
public readonly record struct WriteOptions(
    HttpContext Http,
    [FromHeader(Name = IdempotencyKeys.Header)] string? IdempotencyKey,
    // Wait until the fact is scored and the read models show it (read-your-writes), at most Api:WaitSeconds.
    [FromQuery(Name = "wait")] bool? Wait);

/// A fact built from a request, or why it could not be.
public sealed class Draft
{
    private Draft(IFact? fact, ApiProblem? problem)
    {
        Fact = fact;
        Problem = problem;
    }

    public IFact? Fact { get; }
    public ApiProblem? Problem { get; }

    public static Draft Of(IFact fact) => new(fact, null);

    public static implicit operator Draft(ApiProblem problem) => new(null, problem);
}

/// Builds the fact for a request once its id is known, against the organisation as it stands.
public delegate ValueTask<Draft> BuildFact(FactId id, OrganisationSnapshot organisation, CancellationToken ct);
