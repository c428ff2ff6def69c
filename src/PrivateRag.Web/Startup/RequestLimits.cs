using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PrivateRag.Core.Domain;

namespace PrivateRag.Web.Startup;

/// <summary>The <c>Requests</c> section: how large a non-upload request body may be.</summary>
public sealed class RequestLimitOptions
{
    public const string Section = "Requests";

    /// <summary>JSON (and any other non-multipart) bodies of <c>/api</c> calls. Uploads have their own limits (<c>Uploads:*</c>).</summary>
    [Range(1024, 64L * 1024 * 1024)] public long MaxJsonBytes { get; set; } = 1024 * 1024;
}

/// <summary>
/// Caps the body of every <c>/api</c> request that is not a multipart upload: a declared length over the cap gets 413 at
/// once, an undeclared (chunked) body fails with 413 as soon as it passes the cap.
/// </summary>
public sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptionsMonitor<RequestLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ||
            request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }
        var limit = options.CurrentValue.MaxJsonBytes;
        if (request.ContentLength > limit) throw TooLarge(limit);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        request.Body = new CappedStream(request.Body, limit);
        await next(context);
    }

    private static PayloadTooLargeException TooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes (Requests:MaxJsonBytes).");

    private sealed class CappedStream(Stream inner, long limit) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit) throw TooLarge(limit);
            return n;
        }
    }
}
