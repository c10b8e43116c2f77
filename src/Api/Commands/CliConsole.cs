using Spectre.Console;

namespace PointsEngine.Api.Commands;

/// Where a command writes: results to <see cref="Out"/> (what a script pipes on), messages and progress
/// to <see cref="Error"/>. Progress bars only on a terminal: redirected output gets plain lines, no ANSI.
public sealed class CliConsole(TextWriter output, TextWriter error, bool interactive)
{
    public TextWriter Out { get; private set; } = output;
    public TextWriter Error { get; private set; } = error;

    /// Standard error is a terminal: progress bars may redraw it.
    public bool Interactive { get; } = interactive;

    public static CliConsole Standard() => new(Console.Out, Console.Error, !Console.IsErrorRedirected && !Console.IsOutputRedirected);

    /// For tests and callers that capture what is written.
    public static CliConsole Captured(TextWriter output, TextWriter error) => new(output, error, interactive: false);

    /// A message in both languages on the error stream (the results stay clean on standard output).
    public void Say(string zh, string en) => Error.WriteLine($"{zh} / {en}");

    /// Runs <paramref name="work"/> with progress tasks: drawn as bars on a terminal, silent otherwise.
    public async Task<T> WithProgressAsync<T>(Func<ProgressBoard, Task<T>> work)
    {
        if (!Interactive) return await work(ProgressBoard.Silent).ConfigureAwait(false);
        var (output, error) = (Out, Error);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Ansi = AnsiSupport.Detect,
            Interactive = InteractionSupport.Yes,
        });
        // Lines written while the bars redraw the terminal would be torn apart: held back until they are done.
        var (heldOut, heldError) = (new StringWriter(), new StringWriter());
        (Out, Error) = (heldOut, heldError);
        try
        {
            return await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(ctx => work(new ProgressBoard(ctx))).ConfigureAwait(false);
        }
        finally
        {
            (Out, Error) = (output, error);
            error.Write(heldError.ToString());
            output.Write(heldOut.ToString());
        }
    }
}

/// The progress tasks of one command; silent when not on a terminal.
public sealed class ProgressBoard
{
    public static readonly ProgressBoard Silent = new(null);

    private readonly ProgressContext? _context;

    internal ProgressBoard(ProgressContext? context) => _context = context;

    public WorkProgress Start(string description, double total) =>
        new(_context?.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1)));
}

/// One bar: thread-safe to advance from parallel work.
public sealed class WorkProgress(ProgressTask? task)
{
    private readonly object _gate = new();

    public void Increment(double by = 1)
    {
        if (task is null) return;
        lock (_gate) task.Increment(by);
    }

    public void Set(double value, double? total = null)
    {
        if (task is null) return;
        lock (_gate)
        {
            if (total is { } t) task.MaxValue = Math.Max(t, 1);
            task.Value = Math.Min(value, task.MaxValue);
        }
    }

    public void Complete()
    {
        if (task is null) return;
        lock (_gate) task.Value = task.MaxValue;
    }
}
