using Microsoft.AspNetCore.Mvc;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

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

    /// Facts recorded in the same append as <see cref="Fact"/>, in its stream (an accepted claim and the fact it scores).
    public IReadOnlyList<IFact> Companions { get; private init; } = [];

    /// The stream revision the fact was decided at (a workflow step checked against its claim or notice), or null.
    public ExpectedRevision? Expected { get; private init; }

    /// Run after every check has passed, just before the append (storing a claim's attachments).
    public Func<CancellationToken, Task>? Prepare { get; private init; }

    /// Undoes <see cref="Prepare"/> when the append is then refused or fails for certain (#16 finding 2.5:
    /// no file of a refused claim stays behind); not run when the append may still commit (a timeout).
    public Func<CancellationToken, Task>? Discard { get; private init; }

    public static Draft Of(IFact fact) => new(fact, null);

    /// A workflow step decided at <paramref name="expected"/>, recorded together with <paramref name="companions"/>.
    public static Draft At(ExpectedRevision expected, IFact fact, params IFact[] companions)
    {
        foreach (var companion in companions)
            if (FactStreams.For(companion) != FactStreams.For(fact))
                throw new ArgumentException($"{companion.GetType().Name} belongs to another stream than {fact.GetType().Name}.", nameof(companions));
        return new Draft(fact, null) { Expected = expected, Companions = companions };
    }

    /// A correction (#19, Amendments): <paramref name="revocation"/> of the fact <paramref name="replacement"/>
    /// corrects, appended before it to the replacement's stream in the same atomic append.
    public static Draft Amending(IFact replacement, FactRevoked revocation) => new(replacement, null) { Companions = [revocation] };

    public Draft PreparedBy(Func<CancellationToken, Task> prepare, Func<CancellationToken, Task> discard) => new(Fact, Problem)
    {
        Expected = Expected, Companions = Companions, Prepare = prepare, Discard = discard,
    };

    public static implicit operator Draft(ApiProblem problem) => new(null, problem);
}

/// Builds the fact for a request once its id is known, against the organisation as it stands.
public delegate ValueTask<Draft> BuildFact(FactId id, OrganisationSnapshot organisation, CancellationToken ct);
