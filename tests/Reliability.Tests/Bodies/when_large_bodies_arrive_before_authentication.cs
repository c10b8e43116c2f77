using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Workflows;
using PointsEngine.Reliability.Tests.Support;
using Xunit.Abstractions;

namespace PointsEngine.Reliability.Tests.Bodies;

/// #16 finding 2.3: request bodies were read into memory before the token was looked at, so 8 anonymous
/// chunked 36 MiB POSTs to /api/claims grew the server from 172 to 819 MiB before each got its 401. On a
/// real server process (Kestrel on loopback): an anonymous chunked upload is answered 401 while the client
/// is still sending, without the server waiting for (or keeping) the body; eight at once leave the
/// server's memory where it was; an authenticated upload over the limit is a 413 problem document.
public sealed class when_large_bodies_arrive_before_authentication(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-bodies-").FullName;
    private ServerProcess _server = null!;

    // The default limits, as the review ran them: a claim's body may be up to ClaimSettings.MaxRequestBytes (38 MiB).
    public async Task InitializeAsync() => _server = await ServerProcess.StartAsync(new Dictionary<string, string>
    {
        ["Store:Path"] = Path.Combine(_dir, "points.db"),
        ["Auth:SigningKey"] = Tokens.SigningKey,
    }, _dir);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task an_anonymous_upload_is_refused_before_the_client_has_finished_sending()
    {
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Head("/api/claims", token: null));
        await stream.WriteAsync(Chunk(MiB)); // 1 MiB of a body that has not ended: no final chunk is sent
        var status = await StatusLineAsync(stream, TimeSpan.FromSeconds(30));
        output.WriteLine($"answered after 1 MiB of an unfinished chunked body: {status}");
        Assert.StartsWith("HTTP/1.1 401", status);
    }

    [Fact]
    public async Task eight_anonymous_36_MiB_uploads_leave_the_servers_memory_where_it_was()
    {
        const int uploads = 8, size = 36 * MiB;
        var before = Rss();
        var peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss());
                await Task.Delay(20);
            }
        });
        var clock = Stopwatch.StartNew();
        var sent = new long[uploads];
        var statuses = await Task.WhenAll(Enumerable.Range(0, uploads).Select(i => UploadAsync(size, b => sent[i] = b)));
        await sampling.CancelAsync();
        await sampler;
        peak = Math.Max(peak, Rss());
        output.WriteLine($"{uploads} anonymous chunked uploads of {size / MiB} MiB in {clock.Elapsed.TotalSeconds:0.0} s: " +
            $"{sent.Sum() / MiB} MiB sent before the server closed or the bodies ended; server RSS {before / MiB} MiB before, {peak / MiB} MiB at the peak (+{(peak - before) / MiB} MiB); answers: {string.Join(", ", statuses)}");
        Assert.All(statuses, s => Assert.StartsWith("HTTP/1.1 401", s));
        // The bodies together are 288 MiB; buffering even one of them would show.
        Assert.True(peak - before < 64 * MiB, $"the server grew by {(peak - before) / MiB} MiB while refusing anonymous uploads");
    }

    [Fact]
    public async Task an_authenticated_upload_over_the_limit_is_a_413_problem_document()
    {
        using var client = _server.Client(Tokens.Member("m-01"));
        var form = new MultipartFormDataContent { { new StringContent("VolunteerService"), "kind" } };
        var limit = new ClaimSettings().MaxRequestBytes;
        var file = new ByteArrayContent(new byte[limit + MiB]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "attachments", "big.jpg");
        // Chunked, so the size is known only by reading it.
        using var body = new StreamContent(await form.ReadAsStreamAsync());
        body.Headers.ContentType = form.Headers.ContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/claims") { Content = body };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("Idempotency-Key", "big-claim");
        request.Headers.Accept.ParseAdd("text/csv");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{(int)response.StatusCode} {text}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JObject.Parse(text);
        Assert.Equal("too-large", (string?)problem["code"]);
        Assert.Contains(limit.ToString(CultureInfo.InvariantCulture), (string?)problem["en"]);
    }

    /// Sends one anonymous chunked body of <paramref name="size"/> bytes whole, as fast as the server takes
    /// it, whether or not it has answered already (as the reviewer's client did; the server may close the
    /// connection once it has answered), and returns the answer's status line.
    private async Task<string> UploadAsync(int size, Action<long> progress)
    {
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket);
        var answer = StatusLineAsync(stream, TimeSpan.FromSeconds(120));
        try
        {
            await stream.WriteAsync(Head("/api/claims", token: null));
            var chunk = Chunk(MiB);
            for (var sent = 0; sent < size; sent += MiB)
            {
                await stream.WriteAsync(chunk);
                progress(sent + MiB);
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException) { /* the server answered and closed the connection: it did not want the rest */ }
        return await answer;
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.Port);
        return socket;
    }

    private byte[] Head(string path, string? token) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{_server.Port}\r\nTransfer-Encoding: chunked\r\n" +
        "Content-Type: multipart/form-data; boundary=xyz\r\nIdempotency-Key: anonymous\r\n" +
        (token is null ? "" : $"Authorization: Bearer {token}\r\n") + "\r\n");

    private static byte[] Chunk(int size)
    {
        var head = Encoding.ASCII.GetBytes($"{size:x}\r\n");
        var chunk = new byte[head.Length + size + 2];
        head.CopyTo(chunk, 0);
        chunk.AsSpan(head.Length, size).Fill((byte)'a');
        "\r\n"u8.CopyTo(chunk.AsSpan(head.Length + size));
        return chunk;
    }

    private static async Task<string> StatusLineAsync(NetworkStream stream, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var line = new StringBuilder();
        var one = new byte[1];
        try
        {
            while (await stream.ReadAsync(one, timeout.Token) == 1 && one[0] != '\n') line.Append((char)one[0]);
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {limit.TotalSeconds:0} s";
        }
        catch (IOException e)
        {
            return $"connection failed before an answer: {e.Message}";
        }
        return line.ToString().TrimEnd('\r');
    }

    private long Rss()
    {
        var status = File.ReadAllLines($"/proc/{_server.Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
