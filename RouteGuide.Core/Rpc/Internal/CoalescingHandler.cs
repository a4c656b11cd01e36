namespace RouteGuide.Core.Rpc.Internal;

/// <summary>
/// The RecordRoute fast path: a handler in the channel's HTTP handler chain that gives RecordRoute
/// requests a <see cref="CoalescingContent"/>, so that the many small messages of a route travel in
/// few, full HTTP/2 DATA frames. Every other request passes through untouched, so calls where each
/// message should leave at once (RouteChat) keep Grpc.Net.Client's per-message flush.
/// </summary>
internal sealed class CoalescingHandler : DelegatingHandler
{
    /// <summary>The request path of RecordRoute (the channel address may add a prefix).</summary>
    public const string RecordRoutePath = "/routeguide.RouteGuide/RecordRoute";

    public CoalescingHandler(HttpMessageHandler innerHandler, CoalescingOptions? options = null)
        : base(innerHandler)
    {
        Options = options ?? CoalescingOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BufferSize, 64, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.FlushDelay, TimeSpan.Zero, nameof(options));
    }

    public CoalescingOptions Options { get; }

    public CoalescingCounters Counters { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content && IsRecordRoute(request.RequestUri))
        {
            Counters.CountWrappedRequest();
            request.Content = new CoalescingContent(content, Options, Counters);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool IsRecordRoute(Uri? uri) =>
        uri is not null && (uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString).EndsWith(RecordRoutePath, StringComparison.Ordinal);
}
