using System.Collections.Concurrent;
using System.Net;
using Newtonsoft.Json;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Reliability.Tests.Support;

/// One write a client sends: its Idempotency-Key, path and body (a retry sends exactly these again) and
/// the members it concerns with the points each should get, for the checks afterwards.
public sealed record Write(string Key, string Path, string Json, string Kind, IReadOnlyDictionary<string, decimal> Points);

/// What the server answered with 201: the fact id and log position of the write.
public sealed record Ack(string FactId, long Position);

/// A client's book: every write it sent, every one acknowledged, and those whose answer it never got
/// (the server died under them) to send again with the same key.
public sealed class ClientBook
{
    public ConcurrentDictionary<string, Write> Sent { get; } = new();
    public ConcurrentDictionary<string, Ack> Acked { get; } = new();
    public ConcurrentDictionary<string, Write> InDoubt { get; } = new();
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// In-doubt writes that turned out to be committed before the kill (their retry was a replay).
    public int RetriedAndFoundCommitted;

    /// In-doubt writes that had not been committed (their retry recorded them, once).
    public int RetriedAndRecordedNow;

    /// Acknowledged writes sent again after a restart and answered with their first result.
    public int AckedReplayed;

    /// Sends the write; a 201 is booked as acknowledged, no answer as in doubt.
    public async Task SendAsync(HttpClient client, Write write, CancellationToken ct)
    {
        Sent[write.Key] = write;
        Reply reply;
        try
        {
            reply = await client.PostAsync(write.Path, write.Json, write.Key, ct);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            InDoubt[write.Key] = write;
            return;
        }
        catch (OperationCanceledException)
        {
            InDoubt[write.Key] = write;
            throw;
        }
        Book(write, reply);
    }

    /// Sends an in-doubt write again with its key until it is answered; the answer must be a 201.
    public async Task<Reply> RetryAsync(HttpClient client, Write write, CancellationToken ct)
    {
        while (true)
        {
            Reply reply;
            try
            {
                reply = await client.PostAsync(write.Path, write.Json, write.Key, ct);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                throw new InvalidOperationException($"The restarted server did not answer a retry of {write.Key}", e);
            }
            if (reply.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(200, ct); // back-pressure while scoring catches up: honour it and retry
                continue;
            }
            Book(write, reply);
            if (reply.Status == HttpStatusCode.Created)
            {
                InDoubt.TryRemove(write.Key, out _);
                if (reply.Replayed) Interlocked.Increment(ref RetriedAndFoundCommitted);
                else Interlocked.Increment(ref RetriedAndRecordedNow);
            }
            return reply;
        }
    }

    private void Book(Write write, Reply reply)
    {
        if (reply.Status == HttpStatusCode.Created)
        {
            var ack = new Ack(reply["factId"]!, (long)reply.Body["position"]!);
            var first = Acked.GetOrAdd(write.Key, ack);
            if (first != ack) Unexpected.Enqueue($"{write.Key}: first answered {first}, later {ack}");
            InDoubt.TryRemove(write.Key, out _);
        }
        else if (reply.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
        {
            InDoubt[write.Key] = write; // refused with Retry-After: not recorded, sent again later
        }
        else
        {
            Unexpected.Enqueue($"{write.Kind} {write.Key}: {(int)reply.Status} {reply.Body}");
        }
    }
}

/// The organisation and the writes of the load: volunteer service, adjustments and whole meetings, all
/// valid, for members of two branches, under the default rule set.
public static class Workload
{
    public static readonly string[] BranchOne = ["m-01", "m-02", "m-03", "m-04", "m-05", "m-06"];
    public static readonly string[] BranchTwo = ["n-01", "n-02", "n-03"];

    public static async Task SetUpAsync(HttpClient admin)
    {
        await Expect201(admin.PostAsync("/api/rules", PointsEngine.TestSupport.TypicalRules.Document(), "setup-rules"));
        foreach (var (branch, members) in new[] { ("b1", BranchOne), ("b2", BranchTwo) })
        {
            await Expect201(admin.PostAsync("/api/branches", Json(new { branch, name = $"{branch} 党支部", occurredOn = "2025-01-01" }), $"setup-{branch}"));
            foreach (var member in members)
                await Expect201(admin.PostAsync("/api/members", Json(new { member, name = $"党员 {member}", branch, occurredOn = "2025-01-01" }), $"setup-{member}"));
        }
    }

    public static Write Next(Random random)
    {
        var key = $"w-{Guid.NewGuid():N}";
        var on = new DateOnly(2025, 2, 1).AddDays(random.Next(0, 120)).ToString("yyyy-MM-dd");
        switch (random.Next(10))
        {
            case < 5:
            {
                var member = Any(random);
                var hours = random.Next(1, 9) / 2m; // 0.5 .. 4 hours: always scored
                return new Write(key, "/api/volunteer-service",
                    Json(new { member, hours, activity = $"社区服务 {key[2..10]}", occurredOn = on }), "volunteer", new Dictionary<string, decimal> { [member] = hours });
            }
            case < 8:
            {
                var member = Any(random);
                var points = random.Next(1, 4) * (random.Next(2) == 0 ? 1 : -1);
                return new Write(key, "/api/adjustments",
                    Json(new { member, points, reason = $"表彰/批评 {key[2..10]}", approver = "支委会", occurredOn = on }), "adjustment", new Dictionary<string, decimal> { [member] = points });
            }
            default:
            {
                var (branch, members) = random.Next(2) == 0 ? ("b1", BranchOne) : ("b2", BranchTwo);
                var attendance = members.Select(m => new { member = m, status = random.Next(5) == 0 ? "缺席" : "出席" }).ToArray();
                return new Write(key, $"/api/branches/{branch}/meetings",
                    Json(new { occurredOn = on, kind = "党小组会", topic = $"学习 {key[2..10]}", attendance }), "meeting",
                    attendance.ToDictionary(a => a.member, a => a.status == "出席" ? 3m : -3m));
            }
        }
    }

    private static string Any(Random random) =>
        random.Next(3) == 0 ? BranchTwo[random.Next(BranchTwo.Length)] : BranchOne[random.Next(BranchOne.Length)];

    public static string Json(object body) => JsonConvert.SerializeObject(body);

    private static async Task Expect201(Task<Reply> answer)
    {
        var reply = await answer;
        if (reply.Status != HttpStatusCode.Created) throw new InvalidOperationException($"Set-up write refused: {(int)reply.Status} {reply.Body}");
    }
}
