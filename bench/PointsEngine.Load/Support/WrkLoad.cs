using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PointsEngine.Load.Support;

/// The load generator in C (wrk, `apt-get install -y wrk`) when the machine has it: it costs the shared
/// cores a fraction of what an in-process HttpClient generator costs per request, so more of them serve.
/// A Lua script builds each request as the in-process generator does (the same meetings and volunteer
/// hours as <see cref="Workload"/>, a fresh Idempotency-Key each) and reports what came back.
public static partial class WrkLoad
{
    public enum Kind { Meeting, Single }

    /// What one wrk run saw: answers by status, latencies (of every answer: wrk times all of them).
    public sealed record Outcome(long Ok, Dictionary<int, long> Refused, TimeSpan Duration, double P50Ms, double P99Ms);

    /// wrk's path, or null when it is not installed.
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);

    public static async Task<Outcome> RunAsync(string wrk, Uri server, string token, Kind kind, int branches, int membersPerBranch,
        int attendees, int connections, TimeSpan duration, string scriptDirectory)
    {
        var script = Path.Combine(scriptDirectory, $"wrk-{kind.ToString().ToLowerInvariant()}.lua");
        var threads = Math.Max(1, Math.Min(Environment.ProcessorCount, connections));
        await File.WriteAllTextAsync(script, Script(token, kind, branches, membersPerBranch, attendees, threads, Guid.NewGuid().ToString("N")[..12]));
        var info = new ProcessStartInfo(wrk)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--timeout", "60s", "-s", script, server.ToString().TrimEnd('/') })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start wrk");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {text}\n{await errors}");
        return Parse(text);
    }

    internal static Outcome Parse(string text)
    {
        var result = ResultLine().Match(text);
        if (!result.Success) throw new InvalidOperationException($"wrk printed no result line:\n{text}");
        long Long(string name) => long.Parse(result.Groups[name].Value, CultureInfo.InvariantCulture);
        double Double(string name) => double.Parse(result.Groups[name].Value, CultureInfo.InvariantCulture);
        var refused = new Dictionary<int, long>();
        foreach (Match m in CodeLine().Matches(text))
        {
            var status = int.Parse(m.Groups["status"].Value, CultureInfo.InvariantCulture);
            if (status is not (200 or 201)) refused[status] = long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture);
        }
        // Connection errors and timeouts are failures too, under a pseudo-status 0.
        var socketErrors = Long("socket");
        if (socketErrors > 0) refused[0] = socketErrors;
        return new Outcome(Long("ok"), refused, TimeSpan.FromMicroseconds(Long("us")), Double("p50") / 1000, Double("p99") / 1000);
    }

    [GeneratedRegex(@"pe-result ok=(?<ok>\d+) us=(?<us>\d+) socket=(?<socket>\d+) p50=(?<p50>[\d.]+) p99=(?<p99>[\d.]+)")]
    private static partial Regex ResultLine();

    [GeneratedRegex(@"pe-status (?<status>\d+) (?<count>\d+)")]
    private static partial Regex CodeLine();

    // Workload's formulas in Lua: meeting i goes to branch i % branches, its party group and date move on
    // with every round; single write i is volunteer hours for one member, the day moving through the year.
    private static string Script(string token, Kind kind, int branches, int membersPerBranch, int attendees, int threads, string run) => $$"""
        local token = "{{token}}"
        local kind = "{{(kind == Kind.Meeting ? "meeting" : "single")}}"
        local branches, members, attendees, nthreads = {{branches}}, {{membersPerBranch}}, {{attendees}}, {{threads}}
        local groups = math.max(1, math.floor(members / attendees))
        local statuses = { "Present", "Present", "Present", "Present", "Late", "Excused", "Present", "Absent" }
        local kinds = { "PartyGroupMeeting", "ThemePartyDay", "GeneralMeeting", "PartyLecture", "BranchCommittee" }
        local threads = {}

        function setup(thread)
          thread:set("tid", #threads)
          table.insert(threads, thread)
        end

        function init(args)
          counter = 0
          statuses_seen = {}
          backoff = false
        end

        local function day(first_month, first_day, offset)
          return os.date("%Y-%m-%d", os.time({ year = 2025, month = first_month, day = first_day + offset, hour = 12 }))
        end

        local function member(b, i)
          return string.format("b%03d-m%05d", b, i)
        end

        request = function()
          -- Request numbers 1, 2, 3 … over all threads, as the in-process generator counts them.
          local i = counter * nthreads + tid + 1
          counter = counter + 1
          local key = "{{run}}-" .. tid .. "-" .. counter
          local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token, ["Idempotency-Key"] = key }
          if kind == "meeting" then
            local b = i % branches
            local round = math.floor(i / branches)
            local group = round % groups
            local lines = {}
            for j = 0, math.min(attendees, members) - 1 do
              lines[#lines + 1] = string.format('{"member":"%s","status":"%s"}', member(b, (group * attendees + j) % members), statuses[(i + j) % #statuses + 1])
            end
            -- The topic names the request (the run's key is new for every wrk run, warm-up included), so no
            -- meeting repeats another's natural key and none is refused 409 meeting-exists (#19).
            local body = string.format('{"occurredOn":"%s","kind":"%s","topic":"学习贯彻 %s","attendance":[%s]}',
              day(1, 2, math.floor(round / groups) * 3 % 360), kinds[round % #kinds + 1], key, table.concat(lines, ","))
            return wrk.format("POST", string.format("/api/branches/b%03d/meetings", b), headers, body)
          end
          local body = string.format('{"member":"%s","hours":1.5,"activity":"做24小时党员","occurredOn":"%s"}',
            member(i % branches, math.floor(i / branches) % members), day(1, 1, i % 360))
          return wrk.format("POST", "/api/volunteer-service", headers, body)
        end

        response = function(status, headers, body)
          statuses_seen[status] = (statuses_seen[status] or 0) + 1
          -- As the in-process generator: a refused request waits a little before the next.
          if status == 503 or status == 429 then backoff = true end
        end

        delay = function()
          if backoff then backoff = false; return 50 end
          return 0
        end

        done = function(summary, latency, requests)
          local all = {}
          for _, thread in ipairs(threads) do
            local seen = thread:get("statuses_seen")
            if seen then for status, n in pairs(seen) do all[status] = (all[status] or 0) + n end end
          end
          local ok = (all[200] or 0) + (all[201] or 0)
          for status, n in pairs(all) do io.write(string.format("pe-status %d %d\n", status, n)) end
          local e = summary.errors
          io.write(string.format("pe-result ok=%d us=%d socket=%d p50=%.1f p99=%.1f\n", ok, summary.duration,
            e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
        end
        """;
}
