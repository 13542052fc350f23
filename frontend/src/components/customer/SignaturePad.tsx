import { useEffect, useRef } from "react";

/** A canvas the customer signs on with a finger (or mouse); reports a PNG data URL, or null
 * when cleared. */
export function SignaturePad(props: { label: string; clearLabel: string; onChange(png: string | null): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const drawn = useRef(false);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const ratio = window.devicePixelRatio || 1;
    element.width = element.clientWidth * ratio;
    element.height = element.clientHeight * ratio;
    const context = element.getContext("2d");
    if (!context) return;
    context.scale(ratio, ratio);
    context.fillStyle = "white";
    context.fillRect(0, 0, element.width, element.height);
    context.lineWidth = 2.2;
    context.lineCap = "round";
    context.strokeStyle = "#111";
  }, []);

  function point(event: React.PointerEvent<HTMLCanvasElement>) {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  function down(event: React.PointerEvent<HTMLCanvasElement>) {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drawing.current = true;
    const { x, y } = point(event);
    context.beginPath();
    context.moveTo(x, y);
  }

  function move(event: React.PointerEvent<HTMLCanvasElement>) {
    const context = canvas.current?.getContext("2d");
    if (!drawing.current || !context) return;
    const { x, y } = point(event);
    context.lineTo(x, y);
    context.stroke();
    drawn.current = true;
  }

  function up() {
    if (!drawing.current) return;
    drawing.current = false;
    if (drawn.current && canvas.current) props.onChange(canvas.current.toDataURL("image/png"));
  }

  function clear() {
    const element = canvas.current;
    const context = element?.getContext("2d");
    if (!element || !context) return;
    context.save();
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = "white";
    context.fillRect(0, 0, element.width, element.height);
    context.restore();
    drawn.current = false;
    props.onChange(null);
  }

  return (
    <div className="signature">
      <span>{props.label}</span>
      <canvas ref={canvas} className="signature-pad" aria-label={props.label} data-testid="signature-pad"
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerLeave={up} />
      <button type="button" className="secondary" onClick={clear}>{props.clearLabel}</button>
    </div>
  );
}
