using System.Diagnostics;
using System.Globalization;

namespace RouteGuide.Cli;

/// <summary>
/// <c>bench</c>'s live progress: on a terminal, one line rewritten four times a second; when the output
/// is redirected, a plain line every second.
/// </summary>
internal static class BenchProgress
{
    /// <summary>Reports the points written so far until <paramref name="stop"/> is cancelled.</summary>
    /// <param name="output">Where the progress goes.</param>
    /// <param name="interactive">Rewrite one line in place (a terminal) rather than append lines.</param>
    /// <param name="progress">The points written so far by each call.</param>
    /// <param name="total">The points all calls will write.</param>
    /// <param name="stop">Ends the reporting; the in-place line is then erased.</param>
    public static async Task RunAsync(TextWriter output, bool interactive, long[] progress, long total, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interactive ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1));
        var lastSent = 0L;
        var lastTime = Stopwatch.GetTimestamp();
        var lineLength = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var sent = Sent(progress);
                var now = Stopwatch.GetTimestamp();
                var rate = (sent - lastSent) / Math.Max(Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds, 1e-9);
                (lastSent, lastTime) = (sent, now);
                var line = string.Create(
                    CultureInfo.InvariantCulture, $"  {sent:N0} of {Quantity.Of(total, "point")} sent ({100.0 * sent / total:F0}%), {rate:N0} points/s");
                if (interactive)
                {
                    output.Write("\r" + line.PadRight(lineLength));
                    lineLength = line.Length;
                }
                else
                {
                    output.WriteLine(line);
                }

                output.Flush();
            }
        }
        catch (OperationCanceledException)
        {
            // The calls are over.
        }

        if (interactive && lineLength > 0)
        {
            output.Write("\r" + new string(' ', lineLength) + "\r");
            output.Flush();
        }
    }

    /// <summary>The points written so far by all calls.</summary>
    public static long Sent(long[] progress)
    {
        var sum = 0L;
        for (var i = 0; i < progress.Length; i++)
        {
            sum += Volatile.Read(ref progress[i]);
        }

        return sum;
    }
}
