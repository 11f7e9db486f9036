import type { ReactNode } from 'react';

export interface CardProps {
  title?: ReactNode;
  description?: ReactNode;
  /** Heading level of the title; pages use 1, cards inside a page 2. */
  level?: 1 | 2 | 3;
  children?: ReactNode;
  footer?: ReactNode;
  className?: string;
}

export function Card({ title, description, level = 1, children, footer, className }: CardProps) {
  const Heading = `h${level}` as const;
  return (
    <section className={['card', className].filter(Boolean).join(' ')}>
      {(title || description) && (
        <header className="card__header">
          {title && <Heading className="card__title">{title}</Heading>}
          {description && <p className="card__description">{description}</p>}
        </header>
      )}
      {children}
      {footer && <footer className="card__footer">{footer}</footer>}
    </section>
  );
}
